// The live preview: while an editor types, the form is sent to /preview, which runs the Telegram
// and Discord adapters' own renderers on the server and answers with the drawing and the field
// counts. Nothing here renders a message itself, nor holds a word of its own: every text it shows
// comes from the server, in the page's language (the counts' text, the preview's data-stale-text).
const form = document.getElementById('item-form');
const preview = document.getElementById('preview');
const DELAY_MS = 250;

if (form instanceof HTMLFormElement && preview) {
  let timer;
  let sequence = 0;
  const refresh = async () => {
    const mine = ++sequence;
    try {
      const response = await fetch(form.dataset.preview || '/preview', {
        method: 'POST',
        body: new URLSearchParams(new FormData(form)),
        headers: { Accept: 'application/json' },
      });
      if (!response.ok) throw new Error(`preview answered ${response.status}`);
      const answer = await response.json();
      // An older answer arriving late must not replace a newer one.
      if (mine !== sequence) return;
      // The server built this HTML with every piece of text escaped.
      preview.innerHTML = answer.html;
      preview.removeAttribute('data-stale');
      for (const [field, count] of Object.entries(answer.counts)) {
        const counter = document.getElementById(`${field}-count`);
        if (!counter) continue;
        counter.textContent = count.text;
        counter.classList.toggle('over', count.length > count.limit);
      }
    } catch {
      if (mine === sequence) preview.setAttribute('data-stale', preview.dataset.staleText || '');
    }
  };
  form.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(refresh, DELAY_MS);
  });
  form.addEventListener('change', () => {
    clearTimeout(timer);
    refresh();
  });
}

// What is typed is kept in this tab's session storage until the server confirms the save, so text
// survives a request that never reached the desk (the network, a closed laptop). A fresh form
// offers to restore it; the page a save lands on says which form's draft to forget.
const DRAFT_PREFIX = 'briefcast-draft:';
const saved = document.getElementById('saved-form');
if (saved?.dataset.form) sessionStorage.removeItem(DRAFT_PREFIX + saved.dataset.form);

if (form instanceof HTMLFormElement) {
  const key = DRAFT_PREFIX + form.getAttribute('action');
  const valuesOf = () => Object.fromEntries(new FormData(form));
  const offer = document.getElementById('draft-restore');
  let draft;
  try {
    draft = JSON.parse(sessionStorage.getItem(key) || 'null');
  } catch {
    draft = null;
  }
  const differs = draft && JSON.stringify(draft) !== JSON.stringify(valuesOf());
  if (offer && form.dataset.fresh === 'true' && differs) {
    offer.hidden = false;
    document.getElementById('draft-restore-yes')?.addEventListener('click', () => {
      for (const [name, value] of Object.entries(draft)) {
        const field = form.elements.namedItem(name);
        if (field && 'value' in field) field.value = String(value);
      }
      offer.hidden = true;
      form.dispatchEvent(new Event('change'));
    });
    document.getElementById('draft-restore-no')?.addEventListener('click', () => {
      sessionStorage.removeItem(key);
      offer.hidden = true;
    });
  }
  form.addEventListener('input', () => sessionStorage.setItem(key, JSON.stringify(valuesOf())));
}
