"""Python Streamz + pandas side of bench/frame.bench.ts (run by it; prints one JSON line).

The same workloads as the TypeScript side: CHUNKS chunks of ROWS rows (a pool of POOL distinct chunks
emitted in turn), columns name (NAMES distinct strings) and x (float64), through
`streamz.dataframe.DataFrame(example=..., stream=source)`:

- groupby-mean: sdf.groupby('name').x.mean()
- rolling-mean: sdf.rolling(1000).x.mean()
- rolling-mean with a long window: sdf.rolling(100000).x.mean() (Streamz copies the backlog each chunk)

Each emit is timed on its own (time.perf_counter around source.emit); the first WARMUP emits are not
counted. cpu_ms: the process's CPU time over the timed emits, per emit. Prints {"groupby_ms": [...], "rolling_ms": [...], "big_ms": [...], ...} or {"skip": "why"}.
Usage: /usr/bin/python3 bench/python/frame_bench.py pool.csv [chunks] [rows]
(pool.csv: the chunks of the pool one after the other, written by the TypeScript side, so that both sides
work on the same numbers and their results can be compared.)
"""
import json
import sys
import time
import warnings

warnings.simplefilter('ignore')
try:
    import numpy as np
    import pandas as pd
    import streamz
    from streamz import Stream
    from streamz.dataframe import DataFrame
except ImportError as e:  # the TS bench prints this reason and skips the Python rows
    print(json.dumps({'skip': f'python3 lacks streamz or pandas ({e})'}))
    sys.exit(0)

POOL_CSV = sys.argv[1]
CHUNKS = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
ROWS = int(sys.argv[3]) if len(sys.argv) > 3 else 10_000
WARMUP = 5
WINDOW = 1000
BIG_WINDOW = 100_000


def make_pool():
    whole = pd.read_csv(POOL_CSV, dtype={'name': object, 'x': np.float64})
    return [whole.iloc[i:i + ROWS].reset_index(drop=True) for i in range(0, len(whole), ROWS)]


def run(build, pool):
    source = Stream()
    example = pool[0].iloc[:0]
    sdf = DataFrame(example=example, stream=source)
    last = []
    build(sdf).stream.sink(lambda r: last.append(r) if len(last) == 0 else last.__setitem__(0, r))
    times = []
    cpu0 = None
    for i in range(CHUNKS + WARMUP):
        if i == WARMUP:
            cpu0 = time.process_time()
        df = pool[i % len(pool)]
        t0 = time.perf_counter()
        source.emit(df)
        dt = time.perf_counter() - t0
        if i >= WARMUP:
            times.append(dt * 1000)
    cpu_ms = (time.process_time() - cpu0) * 1000 / CHUNKS
    return times, last[0], cpu_ms


pool = make_pool()
g_times, g_last, g_cpu = run(lambda s: s.groupby('name').x.mean(), pool)
r_times, r_last, r_cpu = run(lambda s: s.rolling(WINDOW).x.mean(), pool)
b_times, b_last, b_cpu = run(lambda s: s.rolling(BIG_WINDOW).x.mean(), pool)
print(json.dumps({
    'groupby_ms': g_times,
    'cpu_ms': {'groupby': g_cpu, 'rolling': r_cpu, 'big': b_cpu},
    'rolling_ms': r_times,
    'groupby_groups': int(len(g_last)),
    'groupby_first': float(g_last.sort_index().iloc[0]),
    'rolling_last': float(r_last.iloc[-1]),
    'big_ms': b_times,
    'big_last': float(b_last.iloc[-1]),
    'versions': {'python': sys.version.split()[0], 'streamz': streamz.__version__, 'pandas': pd.__version__},
}))
