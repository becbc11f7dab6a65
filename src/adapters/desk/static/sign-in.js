// Opening a sign-in link does not use it (link previews fetch links too): this submits the page's
// form, which does. Without scripts, the button on the page does the same.
const form = document.getElementById('sign-in-form');
if (form instanceof HTMLFormElement) form.submit();
