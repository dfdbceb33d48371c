// GOV.UK Frontend's components, started the way its documentation asks; no inline script (CSP).
import { initAll } from '/lib/govuk/govuk-frontend.min.js';

document.body.classList.add('govuk-frontend-supported', 'js-enabled');
initAll();
