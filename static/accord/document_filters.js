// The documents list's filters as a page's inputs, each input's id the API's
// parameter name (templates/documents/_filter_fields.html). The documents
// page lists with them; the pre-annotation page sends them as its `filter`,
// and the one hands them to the other in the URL.

export const FILTERS = [
  "q",
  "status",
  "assigned_to",
  "outlet",
  "author",
  "section",
  "published_after",
  "published_before",
  "submitted_after",
  "submitted_before",
  "active_after",
  "active_before",
];

// {name: value} of the filters that have a value.
export function readFilters() {
  const filters = {};
  for (const name of FILTERS) {
    const value = document.getElementById(name).value.trim();
    if (value) filters[name] = value;
  }
  return filters;
}

// Fill the inputs from URL parameters; whether any filter was given.
export function fillFilters(params) {
  let given = false;
  for (const name of FILTERS) {
    const value = params.get(name);
    if (!value) continue;
    document.getElementById(name).value = value;
    given = true;
  }
  return given;
}
