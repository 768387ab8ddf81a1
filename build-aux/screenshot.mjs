// screenshot.mjs: saves what a headless Chromium connected to a Broadway
// display shows, through the Chrome DevTools protocol (Page.captureScreenshot).
//
// Broadway serves one browser at a time, and GTK stops drawing when none is
// connected, so the picture must come from the browser that is already
// connected (tests/ui/broadway-run.sh starts it), not from a second one.
//
// How to run it (from the source tree, with a build in _build):
//
//   # 1. Some realistic content to look at (a file for `fieldbook --import`):
//   node build-aux/screenshot.mjs --sample > /tmp/sample.json
//
//   # 2. The app on a private Broadway display, with Chromium connected;
//   #    --maximize writes a GSettings keyfile so the window fills the page.
//   FB_BROADWAY_INFO=/tmp/broadway.info tests/ui/broadway-run.sh sh -c '
//     eval "$(node build-aux/screenshot.mjs --settings notes)"
//     _build/src/fieldbook --import /tmp/sample.json && exec _build/src/fieldbook' &
//
//   # 3. The screenshot (waits for the info file and for GTK to settle):
//   node --experimental-websocket build-aux/screenshot.mjs \
//     --info /tmp/broadway.info --out data/screenshots/main-window.png
//
//   # 4. Stop the app, broadwayd and Chromium:
//   kill %1
//
// Options:
//   --info FILE     read devtools_port= from the file broadway-run.sh writes
//   --port N        or give Chromium's DevTools port directly
//   --out FILE      where to save the PNG (default screenshot.png)
//   --click X,Y     click there first (repeatable; in page pixels), e.g. to
//                   open a popover or delete an item to show its toast
//   --size WxH      the page size, and so the picture's (default 1280x800)
//   --delay MS      extra time after the page has stopped changing
//                   (default 300)
//   --sample        print the sample notes and records (Fieldbook export JSON)
//   --settings C    print shell commands that make GSettings use a keyfile
//                   with the window maximized and collection C ("notes" or
//                   "records") open; eval them before starting the app
//   --dark          with --settings: also prefer the dark style

import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
};

const sample = {
  fieldbook: 1,
  items: [
    {
      _id: 'sample-record-2', type: 'records', title: 'Kingfisher sighting',
      fields: { Species: 'Common kingfisher', Location: 'Mill pond, east bank',
                Count: '1', Behaviour: 'Fishing from the willow branch' },
      order: ['Species', 'Location', 'Count', 'Behaviour'],
    },
    {
      _id: 'sample-record-3', type: 'records', title: 'Soil sample B-7',
      fields: { Depth: '30 cm', pH: '6.4', Moisture: 'Damp', Colour: 'Dark brown' },
      order: ['Depth', 'pH', 'Moisture', 'Colour'],
    },
    {
      _id: 'sample-record-1', type: 'records', title: 'Heron nest 4',
      fields: { Species: 'Grey heron', Location: 'Alder carr, north end',
                Eggs: '4', 'Last visit': '12 April, 07:40',
                Observer: 'Maja', Notes: 'Both adults present; no disturbance' },
      order: ['Species', 'Location', 'Eggs', 'Last visit', 'Observer', 'Notes'],
    },
    {
      _id: 'sample-note-4', type: 'notes', title: 'Equipment to bring',
      text: '- Binoculars (8×42)\n- Spare batteries for the GPS\n- Waders\n- Soil auger and sample bags\n- Flask of tea\n',
      tags: [],
    },
    {
      _id: 'sample-note-3', type: 'notes', title: 'Questions for the landowner',
      text: 'Can we leave the trail camera by the gate until June?\n\nIs the north meadow cut before or after the 15th?\n',
      tags: [],
    },
    {
      _id: 'sample-note-2', type: 'notes', title: 'Transect walk, week 14',
      text: 'Overcast, light wind from the west. Water level up about 10 cm since last week.\n\n'
        + '## Birds\n\n- Chiffchaff singing at the **first stile**\n- Two little egrets on the scrape\n'
        + '- Kingfisher, once, flying upstream\n',
      tags: [],
    },
    {
      _id: 'sample-note-1', type: 'notes', title: 'Mill pond survey — day one',
      text: '# Mill pond survey\n\nArrived 06:50. Mist on the water until about 07:30, then clear and still.\n\n'
        + '## Observations\n\n'
        + '- **Grey heron** fishing by the weir, 07:40\n'
        + '- Pair of *great crested grebes* displaying in the middle of the pond\n'
        + '- Fresh otter spraint on the flat stone below the sluice\n\n'
        + '## To do\n\n'
        + '1. Check the trail camera by the gate\n'
        + '2. Take water samples at points `A`, `B` and `C`\n'
        + '3. Photograph the eroded bank for the report\n\n'
        + '> Ask Maja whether the nest boxes on the east side were cleaned in winter.\n',
      tags: [],
    },
  ],
};

if (args.includes('--sample')) {
  process.stdout.write(JSON.stringify(sample, null, 2) + '\n');
  process.exit(0);
}

if (args.includes('--settings')) {
  const collection = option('--settings', 'notes');
  const keyfile = '[io/github/fieldbook/Fieldbook]\n'
    + 'window-maximized=true\n'
    + `last-collection='${collection}'\n`;
  const quoted = keyfile.replace(/'/g, `'\\''`);
  process.stdout.write('mkdir -p "$XDG_CONFIG_HOME/glib-2.0/settings"\n'
    + `printf '%s' '${quoted}' > "$XDG_CONFIG_HOME/glib-2.0/settings/keyfile"\n`
    + 'export GSETTINGS_BACKEND=keyfile\n'
    + (args.includes('--dark') ? 'export ADW_DEBUG_COLOR_SCHEME=prefer-dark\n' : ''));
  process.exit(0);
}

if (typeof WebSocket === 'undefined') {
  console.error('screenshot.mjs: run it with node --experimental-websocket');
  process.exit(2);
}

const out = option('--out', 'screenshot.png');
const delay = Number(option('--delay', '300'));

async function devtoolsPort () {
  const direct = option('--port', null);
  if (direct)
    return Number(direct);

  const info = option('--info', null);
  if (!info) {
    console.error('screenshot.mjs: give --info FILE or --port N');
    process.exit(2);
  }
  // broadway-run.sh writes the file once Chromium is connected: wait for it.
  for (let i = 0; i < 300; i++) {
    if (existsSync(info)) {
      const match = /devtools_port=(\d+)/.exec(readFileSync(info, 'utf8'));
      if (match)
        return Number(match[1]);
    }
    await sleep(100);
  }
  console.error(`screenshot.mjs: ${info} did not appear`);
  process.exit(1);
}

const port = await devtoolsPort();
const targets = await (await fetch(`http://127.0.0.1:${port}/json`)).json();
const page = targets.find((t) => t.type === 'page');
if (!page) {
  console.error('screenshot.mjs: Chromium has no page open');
  process.exit(1);
}

const socket = new WebSocket(page.webSocketDebuggerUrl);
await new Promise((resolve, reject) => {
  socket.onopen = resolve;
  socket.onerror = reject;
});

let nextId = 1;
const pending = new Map();
socket.onmessage = (event) => {
  const message = JSON.parse(event.data);
  if (message.id && pending.has(message.id)) {
    const { resolve, reject } = pending.get(message.id);
    pending.delete(message.id);
    if (message.error)
      reject(new Error(message.error.message));
    else
      resolve(message.result);
  }
};
const send = (method, params = {}) => new Promise((resolve, reject) => {
  const id = nextId++;
  pending.set(id, { resolve, reject });
  socket.send(JSON.stringify({ id, method, params }));
});

// Headless Chromium's page is smaller than --window-size; make it the size
// asked for. Broadway follows the page, and a maximized window follows it.
const [width, height] = option('--size', '1280x800').split('x').map(Number);
await send('Emulation.setDeviceMetricsOverride', {
  width, height, deviceScaleFactor: 1, mobile: false,
});

// Wait until a window is on the page and the page stops changing (GTK has
// drawn what it had to draw), for at most 20 s; then the extra --delay.
let last = -1;
let steady = 0;
for (let i = 0; i < 100 && steady < 4; i++) {
  const { result } = await send('Runtime.evaluate', {
    expression: 'document.body.innerHTML.length', returnByValue: true,
  });
  const length = result.value;
  steady = length > 2000 && length === last ? steady + 1 : 0;
  last = length;
  await sleep(200);
}
await sleep(delay);

for (let i = 0; i < args.length; i++) {
  if (args[i] !== '--click')
    continue;
  const [x, y] = args[i + 1].split(',').map(Number);
  for (const type of ['mouseMoved', 'mousePressed', 'mouseReleased'])
    await send('Input.dispatchMouseEvent', { type, x, y, button: 'left', clickCount: 1 });
  // The click's effect (a popover, a toast) takes a few frames.
  await sleep(700);
}
// Two animation frames: whatever GTK sent last has been painted.
await send('Runtime.evaluate', {
  expression: 'new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))',
  awaitPromise: true,
});
const { data } = await send('Page.captureScreenshot', { format: 'png' });
writeFileSync(out, Buffer.from(data, 'base64'));
console.log(`screenshot.mjs: saved ${out}`);
socket.close();
