"""Prometheus metrics of the service, written by hand in the text exposition format 0.0.4
(https://prometheus.io/docs/instrumenting/exposition_formats/): counters and histograms
with labels, thread-safe; the store's event and delivery counts are read at scrape time.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Sequence

__all__ = ["LATENCY_BUCKETS_S", "Metrics"]

#: request-latency buckets (s)
LATENCY_BUCKETS_S = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
#: watch-cycle duration buckets (s)
CYCLE_BUCKETS_S = (0.1, 0.5, 1.0, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0)

Labels = tuple[tuple[str, str], ...]


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _labels(labels: Labels, extra: Labels = ()) -> str:
    items = labels + extra
    if not items:
        return ""
    return "{" + ",".join(f'{k}="{_escape(v)}"' for k, v in items) + "}"


def _num(x: float) -> str:
    if math.isinf(x):
        return "+Inf" if x > 0 else "-Inf"
    return repr(float(x)) if not float(x).is_integer() else str(int(x))


class _Histogram:
    def __init__(self, buckets: Sequence[float]) -> None:
        self.buckets = tuple(buckets)
        self.counts = [0] * len(self.buckets)
        self.total = 0
        self.sum = 0.0

    def observe(self, x: float) -> None:
        for i, b in enumerate(self.buckets):
            if x <= b:
                self.counts[i] += 1
        self.total += 1
        self.sum += x


class Metrics:
    """The service's counters and histograms (one instance per app)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counters: dict[str, dict[Labels, float]] = {}
        self._hists: dict[str, dict[Labels, _Histogram]] = {}
        self._buckets: dict[str, Sequence[float]] = {}
        self._help: dict[str, str] = {}

    def counter(self, name: str, help_text: str) -> None:
        self._help[name] = help_text
        self._counters.setdefault(name, {})

    def histogram(self, name: str, help_text: str, buckets: Sequence[float]) -> None:
        self._help[name] = help_text
        self._hists.setdefault(name, {})
        self._buckets[name] = buckets

    def inc(self, name: str, labels: Labels = (), by: float = 1.0) -> None:
        with self._lock:
            series = self._counters[name]
            series[labels] = series.get(labels, 0.0) + by

    def observe(self, name: str, value: float, labels: Labels = ()) -> None:
        with self._lock:
            series = self._hists[name]
            h = series.get(labels)
            if h is None:
                h = series[labels] = _Histogram(self._buckets[name])
            h.observe(value)

    def render(self, gauges: Sequence[tuple[str, str, Labels, float]] = ()) -> str:
        """The exposition text; ``gauges``: ``(name, help, labels, value)`` read at scrape time."""
        out: list[str] = []
        with self._lock:
            for name, series in self._counters.items():
                out += [f"# HELP {name} {self._help[name]}", f"# TYPE {name} counter"]
                out += [f"{name}{_labels(k)} {_num(v)}" for k, v in sorted(series.items())]
            for name, hseries in self._hists.items():
                out += [f"# HELP {name} {self._help[name]}", f"# TYPE {name} histogram"]
                for k, h in sorted(hseries.items()):
                    for b, c in zip(h.buckets, h.counts, strict=True):
                        out.append(f"{name}_bucket{_labels(k, (('le', _num(b)),))} {c}")
                    out.append(f"{name}_bucket{_labels(k, (('le', '+Inf'),))} {h.total}")
                    out.append(f"{name}_sum{_labels(k)} {_num(h.sum)}")
                    out.append(f"{name}_count{_labels(k)} {h.total}")
        seen: set[str] = set()
        for name, help_text, labels, value in gauges:
            if name not in seen:
                out += [f"# HELP {name} {help_text}", f"# TYPE {name} gauge"]
                seen.add(name)
            out.append(f"{name}{_labels(labels)} {_num(value)}")
        return "\n".join(out) + "\n"
