// Placeholder until this screen is built.
import { html, mount } from "../html.js";

export async function reviewsView({ main }) {
  mount(main, html`<h1 class="govuk-heading-l">Not built yet</h1>`);
}
