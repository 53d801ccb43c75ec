// Sorting and filtering of the comparison table in the page: sort buttons in the headers
// (keyboard-usable, aria-sort says the order), vendor, memory and card-class filters and "only
// cards that fit". The
// core's order (best first) is the "Verdict" sort; the view survives a recomputed table.

const COLLATOR = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

function cellValue(row, index, kind) {
  const text = row.cells[index] ? row.cells[index].textContent.trim() : '';
  if (kind === 'rank') return Number(row.dataset.rank);
  if (kind === 'number') {
    const number = parseFloat(text);
    return Number.isFinite(number) ? number : null;  // empty cells sort last either way
  }
  return text;
}

export function tableView(table, filters, onChange) {
  const headers = [...table.tHead.rows[0].cells];
  let sortIndex = headers.findIndex((th) => th.dataset.sort === 'rank');
  let descending = false;

  for (const [index, th] of headers.entries()) {
    if (!th.dataset.sort) continue;
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'sort';
    button.append(...th.childNodes);
    button.addEventListener('click', () => {
      descending = sortIndex === index ? !descending : th.dataset.sort === 'number';
      sortIndex = index;
      apply();
      onChange();
    });
    th.appendChild(button);
  }

  function apply() {
    const body = table.tBodies[0];
    const rows = [...body.rows];
    rows.forEach((row, i) => { if (row.dataset.rank === undefined) row.dataset.rank = String(i); });
    const kind = headers[sortIndex].dataset.sort;
    rows.sort((a, b) => {
      const x = cellValue(a, sortIndex, kind);
      const y = cellValue(b, sortIndex, kind);
      if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;
      const order = typeof x === 'number' ? x - y : COLLATOR.compare(x, y);
      return descending ? -order : order;
    });
    body.replaceChildren(...rows);
    headers.forEach((th, i) => {
      if (!th.dataset.sort) return;
      if (i === sortIndex) th.setAttribute('aria-sort', descending ? 'descending' : 'ascending');
      else th.removeAttribute('aria-sort');
    });
    const vendor = filters ? filters.elements.vendor.value : '';
    const fitsOnly = filters ? filters.elements.fits_only.checked : false;
    const minGib = filters ? Number(filters.elements.min_memory.value || 0) : 0;
    const cardClass = filters ? filters.elements.card_class.value : '';
    for (const row of rows) {
      row.hidden = (vendor && row.dataset.vendor !== vendor) ||
                   (minGib > 0 && Number(row.dataset.memory) < minGib * 2 ** 30) ||
                   (cardClass && row.dataset.segment !== cardClass) ||
                   (fitsOnly && !row.classList.contains('fits') && !row.classList.contains('tight'));
    }
  }

  if (filters) filters.addEventListener('change', () => { apply(); onChange(); });

  return {
    apply,
    // The view as URL parameters (defaults omitted) and back.
    params() {
      const out = {};
      if (headers[sortIndex].dataset.sort !== 'rank' || descending) {
        out.sort = `${sortIndex}${descending ? '-' : '+'}`;
      }
      if (filters && filters.elements.vendor.value) out.vendor = filters.elements.vendor.value;
      if (filters && filters.elements.fits_only.checked) out.fits = '1';
      if (filters && filters.elements.min_memory.value) out.memory = filters.elements.min_memory.value;
      if (filters && filters.elements.card_class.value) out.class = filters.elements.card_class.value;
      return out;
    },
    restore(search) {
      const match = /^([0-9]+)([+-])$/.exec(search.get('sort') || '');
      if (match && headers[Number(match[1])] && headers[Number(match[1])].dataset.sort) {
        sortIndex = Number(match[1]);
        descending = match[2] === '-';
      }
      if (filters) {
        const vendor = search.get('vendor');
        if (vendor && [...filters.elements.vendor.options].some((o) => o.value === vendor)) {
          filters.elements.vendor.value = vendor;
        }
        filters.elements.fits_only.checked = search.get('fits') === '1';
        // Only a value the select offers: a hand-edited link cannot set an option that is not there.
        for (const [param, name] of [['memory', 'min_memory'], ['class', 'card_class']]) {
          const value = search.get(param);
          const select = filters.elements[name];
          if (value && [...select.options].some((o) => o.value === value)) select.value = value;
        }
      }
      apply();
    },
  };
}
