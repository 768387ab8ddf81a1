// pouchdb-replicate.js: PouchDB's own replication of the benchmark data, both ways.
// SPDX-License-Identifier: GPL-3.0-or-later
//
// node pouchdb-replicate.js SERVER_URL PULL_DB PUSH_DB N
// Pulls PULL_DB (already filled by bench-sync) into an empty in-memory
// PouchDB, and pushes N freshly made documents of the same shape from an
// in-memory PouchDB into the empty PUSH_DB. Prints {"pull": s, "push": s}.
'use strict';

const path = require('path');
const modules = process.env.FB_TEST_NODE_MODULES || path.join(__dirname, '..', 'node_modules');
const PouchDB = require(path.join(modules, 'pouchdb'))
  .plugin(require(path.join(modules, 'pouchdb-adapter-memory')));

// The same document shape as bench-sync.c's make_doc ().
function makeDoc (i) {
  const line = `Line of note ${i}: the quick brown fox jumps over the lazy dog.\n`;
  return {
    _id: `bench-${String(i).padStart(6, '0')}`,
    type: 'notes',
    title: `Benchmark note ${i}`,
    text: line.repeat(Math.ceil(900 / line.length)).slice(0, 900),
    tags: ['bench'],
    updated_at: 1700000000000 + i,
  };
}

function seconds (start) {
  return Number(process.hrtime.bigint() - start) / 1e9;
}

async function main () {
  const [url, pullDb, pushDb, nArg] = process.argv.slice(2);
  const n = parseInt(nArg, 10);
  const base = url.endsWith('/') ? url : url + '/';

  const pullTarget = new PouchDB(`pull-${process.pid}`, { adapter: 'memory' });
  let start = process.hrtime.bigint();
  const pulled = await pullTarget.replicate.from(base + pullDb);
  const pull = seconds(start);
  if (pulled.docs_written !== n)
    throw new Error(`PouchDB pulled ${pulled.docs_written} documents, expected ${n}`);

  const pushSource = new PouchDB(`push-${process.pid}`, { adapter: 'memory' });
  const docs = [];
  for (let i = 0; i < n; i++)
    docs.push(makeDoc(i));
  await pushSource.bulkDocs(docs);
  start = process.hrtime.bigint();
  const pushed = await pushSource.replicate.to(base + pushDb);
  const push = seconds(start);
  if (pushed.docs_written !== n)
    throw new Error(`PouchDB pushed ${pushed.docs_written} documents, expected ${n}`);

  process.stdout.write(JSON.stringify({ pull, push }) + '\n');
}

main().catch((error) => {
  process.stderr.write(`${error.stack || error}\n`);
  process.exit(1);
});
