// pouchdb-peer.js: a foreign CouchDB client (PouchDB 9, in memory) for the sync tests
// SPDX-License-Identifier: GPL-3.0-or-later
//
// node pouchdb-peer.js DB_URL USER PASSWORD
//
// Replicates DB_URL into a fresh in-memory database and prints "pulled".
// Then reads one line of JSON from stdin: a list of edits,
//   [{"id": "...", "line": N, "text": "..."}]   replace line N (0-based) of "text"
//   [{"id": "...", "insert": F, "text": "..."}] insert a line at F * lines (0..1)
//   [{"id": "...", "attach": NAME, "content_type": T, "data": BASE64}]
//                                               add an attachment
//   [{"id": "...", "look": true}]               change nothing, only report
// applies them to its own copy (which the server may have moved past
// meanwhile: that is how branches come to be), replicates back (PouchDB
// writes with new_edits=false) and prints {"edited": n, "written": n,
// "attachments": {ID: {NAME: {"digest", "length", "content_type", "data"}}}}
// with the attachments of every document named, as its copy holds them.
'use strict';

const path = require('path');
const readline = require('readline');

const modules = process.env.FB_TEST_NODE_MODULES || path.join(__dirname, '..', 'node_modules');
const PouchDB = require(path.join(modules, 'pouchdb'));
PouchDB.plugin(require(path.join(modules, 'pouchdb-adapter-memory')));

async function main () {
  const [url, user, password] = process.argv.slice(2);
  const options = user ? { auth: { username: user, password } } : {};
  const remote = new PouchDB(url, options);
  const local = new PouchDB('peer-' + process.pid, { adapter: 'memory' });

  await local.replicate.from(remote);
  process.stdout.write('pulled\n');

  const lines = readline.createInterface({ input: process.stdin });
  const line = await new Promise((resolve) => lines.once('line', resolve));
  lines.close();
  const edits = JSON.parse(line);

  let edited = 0;
  for (const edit of edits) {
    let doc;
    try {
      doc = await local.get(edit.id);
    } catch (e) {
      continue;   // not there (deleted, or never pulled)
    }
    if (edit.look)
      continue;
    if (edit.attach !== undefined) {
      await local.putAttachment(edit.id, edit.attach, doc._rev,
                                Buffer.from(edit.data, 'base64'), edit.content_type);
      edited++;
      continue;
    }
    const text = (typeof doc.text === 'string' ? doc.text : '').split('\n');
    if (edit.line !== undefined) {
      while (text.length <= edit.line)
        text.push('');
      text[edit.line] = edit.text;
    } else {
      const at = Math.min(text.length, Math.floor(edit.insert * text.length));
      text.splice(at, 0, edit.text);
    }
    doc.text = text.join('\n');
    doc.updated_at = Date.now();
    await local.put(doc);
    edited++;
  }

  const result = await local.replicate.to(remote);

  const attachments = {};
  for (const edit of edits) {
    try {
      const doc = await local.get(edit.id, { attachments: true });
      attachments[edit.id] = {};
      for (const [name, att] of Object.entries(doc._attachments || {}))
        attachments[edit.id][name] = {
          digest: att.digest, content_type: att.content_type, data: att.data,
          length: Buffer.from(att.data, 'base64').length,
        };
    } catch (e) {
      // not there
    }
  }
  process.stdout.write(JSON.stringify({ edited, written: result.docs_written, attachments }) + '\n');
}

main().catch((error) => {
  process.stderr.write('pouchdb-peer: ' + (error.stack || error) + '\n');
  process.exit(1);
});
