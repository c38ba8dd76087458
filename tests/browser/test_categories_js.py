"""static/accord/categories.js's rules and store.js's rebase of categories
("keep mine" after a conflict), in real Chromium."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GROUPS = [
    {"id": 1, "name": "TONE", "multiple": False},
    {"id": 2, "name": "FRAME", "multiple": True},
]
LABELS = [
    {"name": "NEGATIVE", "kind": "category", "group": "TONE"},
    {"name": "POSITIVE", "kind": "category", "group": "TONE"},
    {"name": "SOVEREIGNTY", "kind": "category", "group": "FRAME"},
    {"name": "SECURITY", "kind": "category", "group": "FRAME"},
]

RUN = """async ([groups, labels, body]) => {
    const { CategorySchema, acceptSuggestions, suggestions, toggleCategory } =
        await import("/static/accord/categories.js");
    const { SetModel, rebase } = await import("/static/accord/store.js");
    const { LabelSet } = await import("/static/accord/labels.js");
    const schema = new CategorySchema(groups, new LabelSet(labels).category);
    return new Function("schema", "SetModel", "rebase", "toggleCategory", "suggestions",
        "acceptSuggestions", body)(schema, SetModel, rebase, toggleCategory, suggestions,
        acceptSuggestions);
}"""


def run(page, live_server, body):
    page.goto(f"{live_server.url}/static/accord/accord.css")
    return page.evaluate(RUN, [GROUPS, LABELS, body])


def test_a_key_replaces_in_a_single_choice_group_and_adds_up_in_a_multiple_one(page, live_server):
    out = run(
        page,
        live_server,
        """
        const model = new SetModel({ categories: [] });
        const steps = [];
        for (const name of ["NEGATIVE", "POSITIVE", "SOVEREIGNTY", "SECURITY", "POSITIVE", "GPE"]) {
            toggleCategory(model, schema, name);
            steps.push(model.content().categories);
        }
        return steps;
        """,
    )
    assert out == [
        ["NEGATIVE"],
        ["POSITIVE"],
        ["POSITIVE", "SOVEREIGNTY"],
        ["POSITIVE", "SECURITY", "SOVEREIGNTY"],
        ["SECURITY", "SOVEREIGNTY"],  # the chosen one's key clears its group
        ["SECURITY", "SOVEREIGNTY"],  # not a category: nothing
    ]


def test_rebase_puts_my_choices_on_theirs_and_keeps_one_per_single_group(page, live_server):
    out = run(
        page,
        live_server,
        """
        const empty = { spans: [], stances: [] };
        const base = { ...empty, categories: ["NEGATIVE", "SECURITY"] };
        const mine = { ...empty, categories: ["POSITIVE"] };  // switched tone, dropped SECURITY
        const theirs = { ...empty, categories: ["NEGATIVE", "SECURITY", "SOVEREIGNTY"] };
        return [
            rebase(base, mine, theirs, schema.excludes).categories,
            // A draft made before categories existed has none: theirs stay.
            rebase(empty, empty, theirs, schema.excludes).categories,
        ];
        """,
    )
    assert out == [["POSITIVE", "SOVEREIGNTY"], ["NEGATIVE", "SECURITY", "SOVEREIGNTY"]]


def test_accepting_all_suggestions_never_puts_two_in_a_single_group(page, live_server):
    out = run(
        page,
        live_server,
        """
        const preds = [
            { source: "a", categories: ["POSITIVE", "SECURITY", "UNKNOWN"] },
            { source: "b", categories: ["NEGATIVE", "SOVEREIGNTY"] },
        ];
        const fresh = new SetModel({ categories: [] });
        const suggested = suggestions(preds, fresh, schema);
        const taken = acceptSuggestions(fresh, schema, suggested);
        const busy = new SetModel({ categories: ["POSITIVE"] });
        acceptSuggestions(busy, schema, suggestions(preds, busy, schema));
        return [Object.fromEntries(suggested), taken, fresh.content().categories,
            busy.content().categories];
        """,
    )
    suggested, taken, fresh, busy = out
    assert suggested == {
        "POSITIVE": ["a"],
        "SECURITY": ["a"],
        "NEGATIVE": ["b"],
        "SOVEREIGNTY": ["b"],
    }
    assert taken == 3
    assert fresh == ["NEGATIVE", "SECURITY", "SOVEREIGNTY"]
    assert busy == ["POSITIVE", "SECURITY", "SOVEREIGNTY"]


def test_label_set_keeps_category_labels_apart_from_stance_polarities(page, live_server):
    page.goto(f"{live_server.url}/static/accord/accord.css")
    out = page.evaluate(
        """async () => {
            const { LabelSet } = await import("/static/accord/labels.js");
            const labels = new LabelSet([
                { name: "OPPOSE", kind: "stance", shortcut: "x" },
                { name: "NEGATIVE", kind: "category", group: "TONE", shortcut: "1" },
            ]);
            return [[...labels.stance.keys()], [...labels.category.keys()],
                labels.stanceKey("1") ?? null, labels.categoryKey("1")];
        }"""
    )
    assert out == [["OPPOSE"], ["NEGATIVE"], None, "NEGATIVE"]
