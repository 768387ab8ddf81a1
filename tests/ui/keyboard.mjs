// keyboard.mjs: types into the Broadway page through the connected headless
// Chromium (DevTools protocol), as a person at the keyboard would. Used by
// test-keyboard.sh; needs node --experimental-websocket and FB_DEVTOOLS_PORT
// (set by broadway-run.sh).
//
//   node --experimental-websocket keyboard.mjs STEP...
//
// Steps: "ctrl+n", "ctrl+shift+p", "alt+1" (modifiers and a letter or
// digit), "enter", "ctrl+enter", "escape", "tab", "wait-window"
// (until a window is on the page and it has stopped changing),
// "text:WORDS" (typed one character at a time), "click:X,Y" (a left click
// there, in page pixels).

import { setTimeout as sleep } from 'node:timers/promises';

const port = process.env.FB_DEVTOOLS_PORT;
if (!port) {
  console.error('keyboard.mjs: FB_DEVTOOLS_PORT is not set');
  process.exit(2);
}

const targets = await (await fetch(`http://127.0.0.1:${port}/json`)).json();
const page = targets.find((t) => t.type === 'page');
const socket = new WebSocket(page.webSocketDebuggerUrl);
await new Promise((resolve, reject) => {
  socket.onopen = resolve;
  socket.onerror = reject;
});

let nextId = 1;
const pending = new Map();
socket.onmessage = (event) => {
  const message = JSON.parse(event.data);
  if (pending.has(message.id)) {
    pending.get(message.id)(message);
    pending.delete(message.id);
  }
};
const send = (method, params = {}) => new Promise((resolve, reject) => {
  const id = nextId++;
  pending.set(id, (message) => (message.error ? reject(new Error(message.error.message))
                                              : resolve(message.result)));
  socket.send(JSON.stringify({ id, method, params }));
});

async function waitWindow () {
  let last = -1;
  let steady = 0;
  for (let i = 0; i < 150 && steady < 4; i++) {
    const { result } = await send('Runtime.evaluate', {
      expression: 'document.body.innerHTML.length', returnByValue: true,
    });
    steady = result.value > 2000 && result.value === last ? steady + 1 : 0;
    last = result.value;
    await sleep(100);
  }
  if (steady < 4)
    throw new Error('no window settled on the page');
}

const named = {
  enter: { key: 'Enter', code: 'Enter', windowsVirtualKeyCode: 13 },
  escape: { key: 'Escape', code: 'Escape', windowsVirtualKeyCode: 27 },
  tab: { key: 'Tab', code: 'Tab', windowsVirtualKeyCode: 9 },
  delete: { key: 'Delete', code: 'Delete', windowsVirtualKeyCode: 46 },
};

// "ctrl+shift+p", "alt+1", "shift+tab": DevTools' modifier bits are
// Alt 1, Ctrl 2, Meta 4, Shift 8.
const modifierBits = { alt: 1, ctrl: 2, shift: 8 };

async function press (spec) {
  const parts = spec.split('+');
  const name = parts.pop();
  const modifiers = parts.reduce((bits, m) => bits | modifierBits[m], 0);
  let key = named[name];
  if (!key && /^[0-9]$/.test(name))
    key = { key: name, code: `Digit${name}`, windowsVirtualKeyCode: name.charCodeAt(0) };
  if (!key)
    key = { key: name, code: `Key${name.toUpperCase()}`, windowsVirtualKeyCode: name.toUpperCase().charCodeAt(0) };
  await send('Input.dispatchKeyEvent', { type: 'rawKeyDown', modifiers, ...key });
  await send('Input.dispatchKeyEvent', { type: 'keyUp', modifiers, ...key });
}

async function type (text) {
  for (const ch of text) {
    await send('Input.dispatchKeyEvent', { type: 'keyDown', key: ch, text: ch });
    await send('Input.dispatchKeyEvent', { type: 'keyUp', key: ch });
  }
}

async function click (x, y) {
  for (const type of ['mouseMoved', 'mousePressed', 'mouseReleased'])
    await send('Input.dispatchMouseEvent', { type, x, y, button: 'left', clickCount: 1 });
}

for (const step of process.argv.slice(2)) {
  if (step === 'wait-window')
    await waitWindow();
  else if (step.startsWith('text:'))
    await type(step.slice(5));
  else if (step.startsWith('click:'))
    await click(...step.slice(6).split(',').map(Number));
  else
    await press(step);
  // Broadway forwards events asynchronously: let each one land in order.
  await send('Runtime.evaluate', {
    expression: 'new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))',
    awaitPromise: true,
  });
}

socket.close();
