// GOV.UK Frontend's components, started the way its documentation asks; no inline script (CSP).
import { initAll } from '/lib/govuk/govuk-frontend.min.js';

document.body.classList.add('govuk-frontend-supported', 'js-enabled');
initAll();

// Registers are keyboard-first: Enter or the down arrow moves to the next pupil's mark, up arrow to
// the previous one; the whole mark is selected so typing replaces it.
const codes = [...document.querySelectorAll('[data-register-code]')];
codes.forEach((input, index) => {
  input.addEventListener('focus', () => input.select());
  input.addEventListener('keydown', (event) => {
    const next = event.key === 'Enter' || event.key === 'ArrowDown' ? codes[index + 1] : event.key === 'ArrowUp' ? codes[index - 1] : null;
    if (next) {
      event.preventDefault();
      next.focus();
    } else if (event.key === 'Enter') {
      event.preventDefault();
      input.form.querySelector('[data-register-save]')?.focus();
    }
  });
});

// A progress bar for large uploads: the form is sent with XMLHttpRequest so the upload can be
// measured, and the answer replaces the page as a normal submit would.
document.querySelectorAll('form[data-upload-progress]').forEach((form) => {
  form.addEventListener('submit', (event) => {
    const bar = form.querySelector('progress');
    if (!bar || !window.XMLHttpRequest) {
      return;
    }
    event.preventDefault();
    const request = new XMLHttpRequest();
    request.open('POST', form.action);
    bar.hidden = false;
    request.upload.addEventListener('progress', (e) => {
      if (e.lengthComputable) {
        bar.value = Math.round((e.loaded / e.total) * 100);
      }
    });
    request.addEventListener('load', () => {
      document.open();
      document.write(request.responseText);
      document.close();
    });
    request.send(new FormData(form));
  });
});
