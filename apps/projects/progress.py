"""A progress bar for long management commands, without a dependency.

On a terminal it redraws one line; in a log (not a TTY) it prints a line at
every tenth of the way, so CI logs stay short.
"""

import time


class ProgressBar:
    def __init__(self, stream, total, label="", width=30):
        self.stream = stream
        self.total = max(total, 0)
        self.label = label
        self.width = width
        self.started = time.monotonic()
        self.tty = hasattr(stream, "isatty") and stream.isatty()
        self._last_tenth = -1
        self.done = 0

    def update(self, done):
        self.done = min(done, self.total) if self.total else done
        fraction = self.done / self.total if self.total else 1.0
        if self.tty:
            filled = int(fraction * self.width)
            bar = "█" * filled + "·" * (self.width - filled)
            self.stream.write(f"\r{self.label} {bar} {self.done}/{self.total} ({fraction:.0%})")
            self.stream.flush()
        else:
            tenth = int(fraction * 10)
            if tenth != self._last_tenth:
                self._last_tenth = tenth
                self.stream.write(f"{self.label} {self.done}/{self.total} ({fraction:.0%})\n")

    def close(self):
        elapsed = time.monotonic() - self.started
        if self.tty:
            self.stream.write("\n")
        self.stream.write(f"{self.label} done in {elapsed:.2f} s\n")
