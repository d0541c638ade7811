"""unittest helpers shared by tests/integration and tests/e2e."""
import os
import sys

from .processes import read_text

# Markers of a crash or a sanitizer report in mediagate's log.
CRASH_MARKERS = ("AddressSanitizer", "LeakSanitizer", "UndefinedBehaviorSanitizer",
                 "runtime error:", "terminate called", "Segmentation fault", "what():")


class LogChecks:
    """unittest.TestCase mixin: a line with one of the markers of a watched log,
    written during a test, fails that test; a failed test prints what the logs
    got meanwhile. Subclasses return {log path: markers} from watched_logs()."""

    def watched_logs(self):
        raise NotImplementedError

    def setUp(self):
        self._log_offsets = {p: os.path.getsize(p) if os.path.exists(p) else 0
                             for p in self.watched_logs()}

    def tearDown(self):
        for path, markers in self.watched_logs().items():
            lines = read_text(path, self._log_offsets.get(path, 0)).splitlines()
            if self.failed():
                print(f"\n---- {os.path.basename(path)} during {self.id()} (last 40 lines) ----\n"
                      + "\n".join(lines[-40:]), file=sys.stderr)
            bad = [line for line in lines if any(m in line for m in markers)]
            self.assertEqual(bad, [], f"{os.path.basename(path)} during {self.id()}")

    def failed(self):
        """True if this test (or one of its subtests) has failed so far."""
        result = getattr(getattr(self, "_outcome", None), "result", None)
        return bool(result) and any(getattr(test, "test_case", test) is self
                                    for test, _ in list(result.failures) + list(result.errors))
