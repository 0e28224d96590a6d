// Placeholder until this screen is built.
import { html, mount } from "../html.js";

export async function familyView({ main }) {
  mount(main, html`<h1 class="govuk-heading-l">Not built yet</h1>`);
}
