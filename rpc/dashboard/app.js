// The node's dashboard: plain browser JavaScript, no build step, no CDN. Reads the node's
// JSON-RPC (batched), follows tm.event='NewBlock' over the WebSocket, and falls back to polling
// if the socket drops. Every value from the chain is inserted as text, never as HTML (monikers
// are user input).
const $ = (id) => document.getElementById(id);

// --- RPC ---------------------------------------------------------------------------------
let nextId = 1;
async function batch(calls) {
  const body = calls.map(([method, params]) => ({ jsonrpc: "2.0", id: nextId++, method, params: params ?? {} }));
  const res = await fetch("/", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const out = await res.json();
  const byId = new Map((Array.isArray(out) ? out : [out]).map((r) => [r.id, r]));
  return body.map((b) => {
    const r = byId.get(b.id);
    if (!r) return { error: "no response" };
    return r.error
      ? { error: r.error.data?.name ? `${r.error.data.name}: ${r.error.message}` : (r.error.data ?? r.error.message) }
      : { result: r.result };
  });
}
async function call(method, params) {
  const [r] = await batch([[method, params]]);
  if (r.error) throw new Error(typeof r.error === "string" ? r.error : JSON.stringify(r.error));
  return r.result;
}

// --- formatting (fixed-point strings → text; floats only for drawing) ---------------------
function fixed(s, digits = 6) {
  if (s === null || s === undefined) return "—";
  let v = BigInt(s);
  const neg = v < 0n;
  if (neg) v = -v;
  const scale = 10n ** BigInt(18 - digits);
  v = (v + scale / 2n) / scale;
  const whole = v / 10n ** BigInt(digits);
  const frac = (v % 10n ** BigInt(digits)).toString().padStart(digits, "0");
  // a value that rounds to zero has no sign ("-0.00 %" says nothing)
  return `${neg && v !== 0n ? "-" : ""}${whole.toLocaleString("en-US")}${digits ? "." + frac : ""}`;
}
const pct = (s, digits = 2) => (s === null || s === undefined ? "—" : `${fixed(BigInt(s) * 100n, digits)} %`);
const tokens = (s, denom) => `${fixed(s, 2)} ${denom}`;
const float = (s) => Number(BigInt(s)) / 1e18;
const short = (s, n = 10) => (s.length > n + 3 ? `${s.slice(0, n)}…` : s);
const timeOf = (iso) => new Date(iso).toLocaleTimeString();

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") e.className = v;
    else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return e;
}
function svgEl(tag, attrs = {}, text) {
  const e = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = String(text);
  return e;
}
function fill(tbody, rows) {
  tbody.replaceChildren(...rows);
}
function facts(dl, pairs) {
  dl.replaceChildren(
    ...pairs.map(([k, v, id]) => el("div", {}, el("dt", {}, k), el("dd", id ? { "data-testid": id } : {}, v))),
  );
}

// --- state kept by the page ----------------------------------------------------------------
const monikerOf = new Map(); // consensus address (upper hex) → moniker
const proposerOf = new Map(); // height → consensus address
const series = { lst: [], lrt: [], pool: [] }; // [time ms, value]
let lastHeight = 0;

function addPoint(s, t, v) {
  const a = series[s];
  if (a.length && a[a.length - 1][0] >= t) return;
  a.push([t, v]);
  if (a.length > 500) a.shift();
}

// --- charts ----------------------------------------------------------------------------------
function lineChart(svg, lines, { w = 520, h = 160, pad = 78 } = {}) {
  const pts = lines.flatMap((l) => l.data);
  svg.replaceChildren();
  if (pts.length < 2) {
    svg.append(svgEl("text", { x: w / 2, y: h / 2, "text-anchor": "middle" }, "collecting points…"));
    return;
  }
  const [t0, t1] = [Math.min(...pts.map((p) => p[0])), Math.max(...pts.map((p) => p[0]))];
  let [v0, v1] = [Math.min(...pts.map((p) => p[1])), Math.max(...pts.map((p) => p[1]))];
  if (v1 - v0 < 1e-12) [v0, v1] = [v0 - 1e-9, v1 + 1e-9];
  const x = (t) => pad + ((t - t0) / Math.max(1, t1 - t0)) * (w - pad - 8);
  const y = (v) => h - 18 - ((v - v0) / (v1 - v0)) * (h - 30);
  svg.append(svgEl("line", { class: "axis", x1: pad, y1: h - 18, x2: w - 8, y2: h - 18 }));
  svg.append(svgEl("text", { x: pad - 4, y: y(v1) + 4, "text-anchor": "end" }, v1.toFixed(9)));
  svg.append(svgEl("text", { x: pad - 4, y: y(v0) + 4, "text-anchor": "end" }, v0.toFixed(9)));
  svg.append(svgEl("text", { x: pad, y: h - 4 }, new Date(t0).toLocaleTimeString()));
  svg.append(svgEl("text", { x: w - 8, y: h - 4, "text-anchor": "end" }, new Date(t1).toLocaleTimeString()));
  for (const l of lines) {
    if (!l.data.length) continue;
    // a series known at one instant only (the pool price is not recorded on chain, only observed
    // since the page opened) is drawn as its level across the chart, so the comparison shows
    const data =
      l.data.length === 1
        ? [
            [t0, l.data[0][1]],
            [t1, l.data[0][1]],
          ]
        : l.data;
    svg.append(
      svgEl("polyline", {
        class: l.cls,
        points: data.map((p) => `${x(p[0]).toFixed(1)},${y(p[1]).toFixed(1)}`).join(" "),
      }),
    );
  }
}

function proposerChart(validators) {
  const svg = $("proposers");
  const heights = [...proposerOf.keys()].sort((a, b) => b - a).slice(0, 100);
  $("proposer-n").textContent = String(heights.length);
  const counts = new Map();
  for (const h of heights) counts.set(proposerOf.get(h), (counts.get(proposerOf.get(h)) ?? 0) + 1);
  const total = validators.reduce((a, v) => a + Number(v.power), 0) || 1;
  const w = 520,
    base = 170,
    left = 30;
  const slot = (w - left) / Math.max(1, validators.length);
  const max = Math.max(
    1,
    ...validators.map((v) => Math.max(counts.get(v.consensusAddress) ?? 0, (Number(v.power) / total) * heights.length)),
  );
  svg.replaceChildren(svgEl("line", { class: "axis", x1: left, y1: base, x2: w, y2: base }));
  validators.forEach((v, i) => {
    const got = counts.get(v.consensusAddress) ?? 0;
    const want = (Number(v.power) / total) * heights.length;
    const bw = slot * 0.32,
      x0 = left + i * slot + slot * 0.15;
    const bar = (x, val, cls) =>
      svg.append(svgEl("rect", { class: cls, x, y: base - (val / max) * 150, width: bw, height: (val / max) * 150 }));
    bar(x0, got, "bar-a");
    bar(x0 + bw + 2, want, "bar-b");
    svg.append(svgEl("text", { x: x0 + bw / 2, y: base - (got / max) * 150 - 3, "text-anchor": "middle" }, got));
    svg.append(svgEl("text", { x: x0 + bw, y: base + 14, "text-anchor": "middle" }, short(v.moniker, 12)));
    svg.append(
      svgEl(
        "text",
        { x: x0 + bw, y: base + 26, "text-anchor": "middle" },
        `${((Number(v.power) / total) * 100).toFixed(1)} %`,
      ),
    );
  });
}

// --- panels ----------------------------------------------------------------------------------
function renderBlocks(metas) {
  fill(
    $("blocks").tBodies[0],
    metas.map((m) => {
      const tr = el(
        "tr",
        Number(m.header.height) > lastHeight && lastHeight ? { class: "new" } : {},
        el("td", { class: "num" }, m.header.height),
        el("td", {}, timeOf(m.header.time)),
        el("td", {}, monikerOf.get(m.header.proposer_address) ?? short(m.header.proposer_address)),
        el("td", { class: "num" }, m.num_txs),
        el("td", { class: "mono" }, short(m.block_id.hash, 12)),
      );
      return tr;
    }),
  );
}

function renderValidators(staking, comet, signing) {
  const prio = new Map(comet.validators.map((v) => [v.address, v.proposer_priority]));
  const total =
    staking.validators.filter((v) => v.status === "bonded" && !v.jailed).reduce((a, v) => a + BigInt(v.power), 0n) ||
    1n;
  fill(
    $("validators").tBodies[0],
    staking.validators.map((v, i) => {
      const s = signing[i];
      const window = s ? Number(s.signedBlocksWindow) : 0;
      const seen = s ? Math.min(window, Number(s.indexOffset)) : 0;
      const signed = s ? `${seen - Number(s.missedBlocksCounter)} / ${seen}` : "—";
      const status = v.tombstoned ? "tombstoned" : v.jailed ? "jailed" : v.status;
      const active = v.status === "bonded" && !v.jailed;
      return el(
        "tr",
        {},
        el("td", { title: v.operator }, v.moniker),
        el("td", { class: "num" }, Number(v.power).toLocaleString("en-US")),
        el("td", { class: "num" }, active ? `${((Number(v.power) / Number(total)) * 100).toFixed(1)} %` : "—"),
        el("td", { class: "num" }, prio.get(v.consensusAddress) ?? "—"),
        el("td", { class: "num" }, pct(v.commissionRate, 1)),
        el("td", { class: "num" }, signed),
        el("td", { class: v.jailed || v.tombstoned ? "jailed" : "bonded" }, status),
      );
    }),
  );
}

function renderYields(y, lst, lrt) {
  fill($("yields").tBodies[0], [
    el(
      "tr",
      {},
      el("td", {}, "staking"),
      el("td", {}, "stra"),
      el("td", {}, "—"),
      el("td", { class: "num" }, pct(y.staking.apr)),
      el("td", {}, y.staking.liquidity),
    ),
    el(
      "tr",
      {},
      el("td", {}, "liquid staking"),
      el("td", {}, "ststra"),
      el("td", { class: "num" }, fixed(y.lst.rate, 9)),
      el("td", { class: "num" }, pct(y.lst.apr)),
      el("td", {}, y.lst.liquidity),
    ),
    el(
      "tr",
      {},
      el("td", {}, "liquid restaking"),
      el("td", {}, "rststra"),
      el("td", { class: "num" }, fixed(y.lrt.rate, 9)),
      el("td", { class: "num" }, pct(y.lrt.apr)),
      el("td", {}, y.lrt.liquidity),
    ),
  ]);
  facts($("staking"), [
    ["bonded ratio", pct(y.staking.bondedRatio)],
    ["LST epoch", `${lst.epoch} (every ${lst.epochBlocks} blocks)`],
    ["LRT withdrawal delay", `${Math.round(Number(lrt.withdrawalDelayMs) / 1000)} s`],
  ]);
}

function renderLst(lst) {
  facts($("lst"), [
    ["redemption rate (stra per ststra)", fixed(lst.rate, 9), "lst-rate"],
    ["APR (up to 24 h of epochs, — under 10 min)", pct(lst.apr), "lst-apr"],
    ["pooled stake", tokens(lst.pooled, "stra")],
    ["ststra supply", tokens(lst.supply, "ststra")],
    ["queued unstake", tokens(lst.queuedStstra, "ststra")],
    ["protocol fee", pct(lst.protocolFee, 1)],
    ["validators pooled", String(lst.perValidator.length)],
    ["circuit breaker", lst.halted ? "HALTED" : "running"],
  ]);
}

function renderLrt(lrt, strategies) {
  facts($("lrt"), [
    ["rate (stra per rststra)", fixed(lrt.rate, 9), "lrt-rate"],
    ["APR (up to 24 h of epochs, — under 10 min)", pct(lrt.apr), "lrt-apr"],
    ["TVL (at the LST rate)", tokens(lrt.tvl, "stra")],
    ["rststra supply", tokens(lrt.supply, "rststra")],
    ["idle (not allocated)", tokens(lrt.idleStstra, "ststra")],
    ["pending withdrawals", tokens(lrt.pendingWithdrawals ?? "0", "ststra")],
  ]);
  const weights = new Map(lrt.weights.map((w) => [w.strategy, w.weight]));
  const allocated = new Map(lrt.allocations.map((a) => [a.strategy, a]));
  fill(
    $("alloc").tBodies[0],
    strategies.map((s) => {
      const a = allocated.get(s.id);
      return el(
        "tr",
        {},
        el("td", {}, s.id),
        el("td", {}, s.kind),
        el("td", { class: "num" }, weights.has(s.id) ? pct(weights.get(s.id), 0) : "0 %"),
        el("td", { class: "num" }, a ? fixed(a.value, 2) : "—"),
        el("td", { class: "num" }, s.kind === "service" ? String(s.operators.length) : "pool"),
      );
    }),
  );
}

function renderDepeg(y, lst, strategies) {
  const pool = strategies.find((s) => s.kind === "pool");
  if (!pool) return facts($("depeg"), [["pool", "none configured"]]);
  facts($("depeg"), [
    ["pool", pool.id],
    ["pool price (stra per ststra)", fixed(pool.price, 9), "pool-price"],
    ["redemption rate", fixed(lst.rate, 9)],
    ["depeg", pool.depeg === null ? "—" : pct(pool.depeg, 4), "depeg"],
    ["reserves", `${fixed(pool.reserveStra, 0)} stra / ${fixed(pool.reserveStstra, 0)} ststra`],
  ]);
}

// --- refresh cycle ---------------------------------------------------------------------------
async function loadProposers(top) {
  const want = [];
  for (let max = top; max > Math.max(0, top - 100); max -= 20) {
    if ([...Array(20).keys()].every((k) => max - k < 1 || proposerOf.has(max - k))) continue;
    want.push(["blockchain", { minHeight: String(Math.max(1, max - 19)), maxHeight: String(max) }]);
  }
  if (!want.length) return;
  for (const r of await batch(want))
    for (const m of r.result?.block_metas ?? []) proposerOf.set(Number(m.header.height), m.header.proposer_address);
  for (const h of proposerOf.keys()) if (h <= top - 100) proposerOf.delete(h);
}

let refreshing = false,
  again = false;
async function refresh() {
  if (refreshing) return void (again = true);
  refreshing = true;
  try {
    const [status, staking, comet, lst, lrt, yields, strat, chain] = await batch([
      ["status"],
      ["staking_validators"],
      ["validators", { per_page: "100" }],
      ["lst_state"],
      ["lrt_state"],
      ["chain_yields"],
      ["strategy_list"],
      ["blockchain"],
    ]);
    for (const r of [status, staking, comet, lst, lrt, yields, strat, chain])
      if (r.error) throw new Error(String(r.error));
    const s = status.result;
    const height = Number(s.sync_info.latest_block_height);
    $("chain").textContent = `${s.node_info.network} · ${s.node_info.moniker}`;
    $("height").textContent = String(height);
    $("sync").textContent = s.sync_info.catching_up ? "catching up" : "in sync";
    $("sync").className = `pill ${s.sync_info.catching_up ? "bad" : "ok"}`;
    for (const v of staking.result.validators) monikerOf.set(v.consensusAddress, v.moniker);
    const signing = (
      await batch(staking.result.validators.map((v) => ["slashing_signing_info", { address: v.operator }]))
    ).map((r) => r.result);
    renderBlocks(chain.result.block_metas);
    renderValidators(staking.result, comet.result, signing);
    await loadProposers(height);
    proposerChart(staking.result.validators.filter((v) => v.status === "bonded" && !v.jailed));

    const L = lst.result,
      R = lrt.result,
      Y = yields.result,
      S = strat.result.strategies;
    for (const p of L.history) addPoint("lst", Date.parse(p.time), float(p.rate));
    for (const p of R.history ?? []) addPoint("lrt", Date.parse(p.time), float(p.rate));
    const now = Date.parse(s.sync_info.latest_block_time);
    addPoint("lst", now, float(L.rate));
    addPoint("lrt", now, float(R.rate));
    const pool = S.find((x) => x.kind === "pool");
    if (pool) addPoint("pool", now, float(pool.price));
    renderYields(Y, L, R);
    renderLst(L);
    renderLrt(R, S);
    renderDepeg(Y, L, S);
    lineChart($("lst-chart"), [{ data: series.lst, cls: "line-a" }]);
    lineChart($("lrt-chart"), [{ data: series.lrt, cls: "line-a" }]);
    lineChart($("depeg-chart"), [
      { data: series.lst, cls: "line-a" },
      { data: series.pool, cls: "line-c" },
    ]);
    lastHeight = height;
  } catch (e) {
    $("live").textContent = `error: ${e.message}`;
    $("live").className = "pill bad";
  } finally {
    refreshing = false;
    if (again) {
      again = false;
      setTimeout(refresh, 200);
    }
  }
}

// --- live updates: NewBlock over the WebSocket, polling while it is down ----------------------
let poll;
function connect() {
  const ws = new WebSocket(`${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/websocket`);
  ws.onopen = () => {
    ws.send(
      JSON.stringify({ jsonrpc: "2.0", id: "dash", method: "subscribe", params: { query: "tm.event='NewBlock'" } }),
    );
    $("live").textContent = "live";
    $("live").className = "pill ok";
    clearInterval(poll);
  };
  ws.onmessage = (m) => {
    const msg = JSON.parse(m.data);
    const block = msg.result?.data?.value?.block;
    if (!block) return;
    $("height").textContent = block.header.height;
    proposerOf.set(Number(block.header.height), block.header.proposer_address);
    refresh();
  };
  ws.onclose = () => {
    $("live").textContent = "reconnecting… (polling)";
    $("live").className = "pill bad";
    clearInterval(poll);
    poll = setInterval(refresh, 2000);
    setTimeout(connect, 2000);
  };
}

// --- search ----------------------------------------------------------------------------------
function show(title, node) {
  $("result-title").textContent = title;
  $("result").replaceChildren(node);
  $("result-card").hidden = false;
}
function table(head, rows, id) {
  return el(
    "table",
    id ? { id } : {},
    el("thead", {}, el("tr", {}, ...head.map((h) => el("th", {}, h)))),
    el("tbody", {}, ...rows.map((r) => el("tr", {}, ...r.map((c) => el("td", {}, c))))),
  );
}
async function search(q) {
  q = q.trim();
  if (/^(0x)?[0-9a-fA-F]{64}$/.test(q)) {
    try {
      const t = await call("tx", { hash: q.replace(/^0x/i, "") });
      const r = t.tx_result;
      show(
        `Transaction ${short(t.hash, 16)}`,
        table(
          ["height", "index", "result", "gas used", "log"],
          [[t.height, String(t.index), r.code === 0 ? "ok" : `failed (code ${r.code})`, r.gas_used, r.log || "—"]],
        ),
      );
    } catch (e) {
      show("Transaction", el("p", { class: "error" }, e.message));
    }
    return;
  }
  if (!/^strata1[02-9ac-hj-np-z]{38}$/.test(q))
    return show("Search", el("p", { class: "error" }, "enter a strata1… address or a 64-hex-digit tx hash"));
  const [bal, dels, rew, lstReq, lrtReq, val] = await batch([
    ["bank_balances", { address: q }],
    ["staking_delegations", { address: q }],
    ["distribution_rewards", { address: q }],
    ["lst_requests", { address: q }],
    ["lrt_requests", { address: q }],
    ["staking_validator", { address: q }],
  ]);
  if (bal.error) return show(`Account ${q}`, el("p", { class: "error" }, String(bal.error)));
  const parts = [
    el("h3", {}, "Balances"),
    table(
      ["denom", "amount"],
      Object.entries(bal.result.balances).map(([d, a]) => [d, fixed(a, 6)]),
    ),
    el("p", { class: "dim" }, `nonce ${bal.result.nonce}`),
  ];
  if (val.result)
    parts.push(
      el("h3", {}, "Validator"),
      table(
        ["moniker", "power", "status", "commission"],
        [
          [
            val.result.validator.moniker,
            val.result.validator.power,
            val.result.validator.jailed ? "jailed" : val.result.validator.status,
            pct(val.result.validator.commissionRate, 1),
          ],
        ],
      ),
    );
  if (dels.result?.delegations?.length)
    parts.push(
      el("h3", {}, "Delegations"),
      table(
        ["validator", "stake"],
        dels.result.delegations.map((d) => [d.validator, tokens(d.tokens ?? d.amount ?? "0", "stra")]),
      ),
    );
  if (rew.result?.total) parts.push(el("p", {}, `pending staking rewards: ${tokens(rew.result.total, "stra")}`));
  if (lstReq.result?.requests?.length)
    parts.push(
      el("h3", {}, "LST withdrawal requests"),
      table(
        ["id", "stra", "status", "claimable at"],
        lstReq.result.requests.map((r) => [
          r.id,
          fixed(r.amount, 4),
          r.status,
          r.claimableAt ? timeOf(r.claimableAt) : "after the epoch",
        ]),
        "lst-requests",
      ),
    );
  if (lrtReq.result?.requests?.length)
    parts.push(
      el("h3", {}, "LRT withdrawal requests"),
      table(
        ["id", "ststra", "status", "claimable at"],
        lrtReq.result.requests.map((r) => [r.id, fixed(r.ststra, 4), r.status, timeOf(r.claimableAt)]),
        "lrt-requests",
      ),
    );
  show(`Account ${q}`, el("div", {}, ...parts));
}
$("search").addEventListener("submit", (e) => {
  e.preventDefault();
  search($("q").value).catch((err) => show("Search", el("p", { class: "error" }, err.message)));
});

refresh();
connect();
