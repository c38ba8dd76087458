"""How long a browser test waits for a page that follows a job (the import,
datasets and jobs pages) to show a change made outside the page."""

# follow.js reads a job that does not change less and less often, at most
# every 6 s (Backoff's max; the jobs page's is 4 × its 1.5 s): a change made
# outside the page (a worker ran, a row was updated) may take that long, plus
# the read, to show. Playwright's default of 5 s was shorter, so a worker that
# came late failed the test. Only these waits get it: the others stay at 5 s.
FOLLOWED = {"timeout": 6000 + 4000}
