// The iframe page: its query string (model, quant, runtime, card, users, ...) becomes the widget's
// attributes, so a host that strips scripts can still show a live answer.
import '../headroom-fit.js';

const fit = document.getElementById('fit');
for (const [key, value] of new URLSearchParams(location.search)) {
  const name = key.replaceAll('_', '-');
  if (/^[a-z-]+$/.test(name)) fit.setAttribute(name, value);
}
