// network-switch.js — the demo's network switch: Fast, Slow 3G or Offline for this browser. The demo server applies
// it to every response it sends here, the page, its scripts, the wasm module and the API (web/demo/network.go); the
// mode is a cookie, so it holds for the module download and the service worker's fetches too. "Start over" makes the
// next load a first visit again. Both talk to the demo server's demo/test-only control endpoints, which the switch
// never slows or drops (a real backend has nothing like them).

const CONTROL = '/api/_control/';

/** Calls a control endpoint: GET without a body, POST with one. Resolves with the JSON answer. */
export async function control(path, body) {
  const res = await fetch(CONTROL + path, {
    method: body === undefined ? 'GET' : 'POST',
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${CONTROL}${path}: HTTP ${res.status}`);
  return res.json();
}

const kB = (bytesPerSecond) => `${Math.round(bytesPerSecond / 100) / 10} kB/s`;

/** What the mode means, in a sentence for the page. state: the server's answer {mode, slow3g: {rttMs, kbps}}. */
export function describe(state, latencyMs = 0) {
  const api = latencyMs > 0 ? ` The sample API also waits ${latencyMs} ms before answering (-latency).` : '';
  switch (state.mode) {
    case 'slow3g': {
      const { rttMs, kbps } = state.slow3g;
      return `Slow 3G: every response to this browser waits ${rttMs} ms (one round trip) before its headers, and ` +
        `their bodies share ${kbps} kbit/s (${kB((kbps * 1000) / 8)}): the page, its scripts, the wasm module, the ` +
        `API. Reload for a repeat visit; Start over for a first visit.${api}`;
    }
    case 'offline':
      return 'Offline: the server drops every request of this browser (all but this switch), so fetch fails as ' +
        'it does without a network. Reload: the service worker starts the page and etag-cache shows the stored ' +
        'grades from IndexedDB.';
    default:
      return `Fast: responses as the server makes them.${api}`;
  }
}

/**
 * Wires the switch: the radio inputs of fieldset, the note, and the start-over button. onState(state) gets the
 * server's answer {mode, slow3g, dropped} at once and after every change; onError(label, err) every failure;
 * beforeStartOver() runs before the site's data is forgotten (close what holds the database open).
 */
export function wireNetworkSwitch({ fieldset, note, startOver, beforeStartOver, onState, onError }) {
  let latencyMs = 0;
  const show = (state) => {
    for (const input of fieldset.querySelectorAll('input[name="network"]')) input.checked = input.value === state.mode;
    note.textContent = describe(state, latencyMs);
    note.dataset.mode = state.mode;
    // A first visit while offline cannot load the page, nor this switch: start over only with a network.
    startOver.disabled = state.mode === 'offline';
    onState(state);
  };

  fieldset.addEventListener('change', async (e) => {
    const mode = e.target && e.target.value;
    fieldset.disabled = true;
    try {
      show(await control('network', { mode }));
    } catch (err) {
      onError('Network switch', err);
    } finally {
      fieldset.disabled = false;
    }
  });

  startOver.addEventListener('click', async () => {
    startOver.disabled = true;
    try {
      await beforeStartOver();
      // The answer carries Clear-Site-Data: "cache", "storage"; the browser has forgotten all of it when it arrives.
      await control('forget', {});
      location.reload();
    } catch (err) {
      onError('Start over', err);
      startOver.disabled = false;
    }
  });

  return Promise.all([control('network'), control('latency').catch(() => ({ ms: 0 }))])
    .then(([state, latency]) => {
      latencyMs = latency.ms;
      show(state);
      return state;
    })
    .catch(() => {
      note.textContent = 'The network switch needs the demo server (web/demo).';
      return null;
    });
}
