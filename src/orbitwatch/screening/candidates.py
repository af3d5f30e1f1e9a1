"""Candidate pairs by spatial hashing of the interpolated catalog, one grid per sub-step.

The window is tiled by sub-steps ``t_s`` every ``dt``; sub-step ``s`` answers for the
times ``[t_s - w, t_s + w]`` with ``w = dt / 2``.  At ``t_s`` every object's position
and velocity come from its quintic Hermite model (:mod:`.sampling`); objects are hashed
into a cubic grid of cell size ``c`` and each object is compared with the objects of the
27 cells around it (the uniform-grid broad phase of SIMPLETON and of Healy's and
Budianto-Ho's screeners).

The narrow test of a pair, on ``Δp, Δv`` (secondary minus primary) at ``t_s``: the
closest distance of the straight relative path over ``[-w, w]``,
``d_lin = min |Δp + Δv τ|``, must not exceed

    ``D + (e_i + e_j) + (ev_i + ev_j) w + ½ A w²``

where ``e`` / ``ev`` are the objects' interpolation bounds in position / velocity and
``A`` bounds the relative acceleration over the sub-step by the gravity gradient:
``A = 2.05 μ ρ_max / r_min³ + 5e-5 km/s²`` (``2 μ / r³`` is the largest eigenvalue of
the point-mass gradient, the 2.5 % covers J2; the constant covers differences in drag).
By Taylor's theorem the true distance at every time of the sub-step is at least
``d_lin`` minus those terms, so a pair whose true distance falls to ``D`` inside the
sub-step always passes the test.

Radial filter: the radius of object ``i`` changes over the sub-step by at most
``ρ_i = (|ṙ_i| + ev_i) w + ½ Ar_i w² + e_i`` (``Ar_i`` bounds its radial acceleration,
:func:`.prefilter.radial_accel_bound_km_s2`), and two objects within ``D`` of each other
have radii within ``D``; so a pair can only pass if ``| |r_i| − |r_j| | <= D + ρ_i + ρ_j``.
For near-circular orbits ``ρ`` is a few km against a cell of hundreds, so only a thin
radial band of each neighbouring cell is visited (cells are sorted by radius).

The grid is complete for relative speeds up to ``V`` (16 km/s, more than the head-on
speed of two circular LEO orbits, ≈ 15.6 km/s): a pair that passes has
``|Δp| ≤ d_lin + |Δv| w``, so a cell size ``c ≥ D + max bound + V w`` puts it in
neighbouring cells.  :func:`cell_size_km` computes ``c``.

Work is parallel over blocks of sub-steps (numba ``prange``); each block writes its own
buffer, and the caller sorts the result, so the output does not depend on the number of
threads.
"""

from __future__ import annotations

import math

import numba
import numpy as np
import numpy.typing as npt
from numba import prange

from orbitwatch.constants import WGS72_MU_KM3_S2
from orbitwatch.screening.sampling import Knots, hermite_state

__all__ = ["MAX_RELATIVE_SPEED_KM_S", "cell_size_km", "find_candidates", "relative_accel_bound"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

#: relative speed up to which the screening is complete by construction, km/s
MAX_RELATIVE_SPEED_KM_S = 16.0
_DRAG_ACCEL_KM_S2 = 5e-5
_GRADIENT_FACTOR = 2.05
_MIN_RADIUS_KM = 6000.0
_RADIAL_PAD_KM = 0.01
#: radial acceleration bound used when none is given per object, km/s^2
DEFAULT_RADIAL_ACCEL_KM_S2 = 0.02


@numba.njit(cache=True, inline="always")
def relative_accel_bound(rho_max_km: float, r_min_km: float) -> float:
    """Bound on the relative acceleration (km/s^2) of two objects within ``rho_max_km``."""
    r_seg = r_min_km - rho_max_km * rho_max_km / (8.0 * max(r_min_km, 1.0))
    if r_seg < _MIN_RADIUS_KM:
        r_seg = _MIN_RADIUS_KM
    return _GRADIENT_FACTOR * WGS72_MU_KM3_S2 * rho_max_km / (r_seg * r_seg * r_seg) + _DRAG_ACCEL_KM_S2


def cell_size_km(threshold_km: float, half_step_s: float, max_error_km: float, max_error_v_km_s: float) -> float:
    """Grid cell size that makes the sub-step test complete for relative speeds up to 16 km/s."""
    w = half_step_s
    base = threshold_km + 2.0 * max_error_km + 2.0 * max_error_v_km_s * w + MAX_RELATIVE_SPEED_KM_S * w
    rho = base + MAX_RELATIVE_SPEED_KM_S * w + 1.0
    accel = float(relative_accel_bound(rho, _MIN_RADIUS_KM))
    return base + 0.5 * accel * w * w + 0.5


@numba.njit(cache=True, inline="always")
def _cell_key(x: float, y: float, z: float, inv_c: float) -> tuple[int, int, int]:
    return (
        math.floor(x * inv_c),
        math.floor(y * inv_c),
        math.floor(z * inv_c),
    )


@numba.njit(cache=True, inline="always")
def _hash(ix: int, iy: int, iz: int, bits: int) -> int:
    """Bucket of a cell: its coordinates modulo 2**bits, x-major.

    A modular (not scrambling) hash keeps neighbouring cells in neighbouring buckets,
    so a sweep over the sorted table touches memory that is already in cache.
    """
    mask = (1 << bits) - 1
    return ((ix & mask) << (2 * bits)) | ((iy & mask) << bits) | (iz & mask)


# The 13 neighbour offsets that follow (0, 0, 0) lexicographically (half shell), then the
# other 13: primaries query the first 13 (and their own cell), secondaries all 26 + own.
_OFFSETS = np.array(
    sorted(
        [(dx, dy, dz) for dx in (-1, 0, 1) for dy in (-1, 0, 1) for dz in (-1, 0, 1) if (dx, dy, dz) != (0, 0, 0)],
        key=lambda o: (o <= (0, 0, 0), o),
    ),
    dtype=np.int64,
)


@numba.njit(cache=True, inline="always")
def _first_at_least(values: FloatArray, lo: int, hi: int, x: float) -> int:
    """First index in ``values[lo:hi]`` (ascending) with a value >= x (``hi`` if none)."""
    while lo < hi:
        mid = (lo + hi) >> 1
        if values[mid] < x:
            lo = mid + 1
        else:
            hi = mid
    return lo


@numba.njit(cache=True, inline="always")
def _narrow(
    a: FloatArray, b: FloatArray, eps: float, eps_v: float, limits: tuple[float, float, float, float],
) -> bool:
    """The narrow test of the module docstring for two packed states (x y z vx vy vz |r| |v|).

    ``eps``, ``eps_v``: the pair's summed interpolation errors (position, velocity);
    ``limits``: the block's constants as one tuple ``(threshold, w, cell2, loose2)``:
    threshold (km), half sub-step (s), squared cell size and squared loose bound (km^2).
    """
    threshold, w, cell2, loose2 = limits
    dpx = b[0] - a[0]
    dpy = b[1] - a[1]
    dpz = b[2] - a[2]
    dp2 = dpx * dpx + dpy * dpy + dpz * dpz
    if dp2 > cell2:
        return False
    dvx = b[3] - a[3]
    dvy = b[4] - a[4]
    dvz = b[5] - a[5]
    dv2 = dvx * dvx + dvy * dvy + dvz * dvz
    tau = 0.0
    if dv2 > 0.0:
        tau = -(dpx * dvx + dpy * dvy + dpz * dvz) / dv2
        tau = min(max(tau, -w), w)
    lx = dpx + dvx * tau
    ly = dpy + dvy * tau
    lz = dpz + dvz * tau
    dlin2 = lx * lx + ly * ly + lz * lz
    if dlin2 > loose2:
        return False
    rho = math.sqrt(dp2) + math.sqrt(dv2) * w + eps + eps_v * w + 1.0
    rmin = min(a[6] - a[7] * w, b[6] - b[7] * w)
    acc = relative_accel_bound(rho, rmin)
    bound = threshold + eps + eps_v * w + 0.5 * acc * w * w
    return math.sqrt(dlin2) <= bound


@numba.njit(cache=True)
def _block(  # noqa: C901, PLR0917 - numba kernel: njit takes flat positional arrays
    knots: tuple[FloatArray, IntArray, IntArray, FloatArray],
    valid: FloatArray, err: FloatArray, err_v: FloatArray, group: IntArray, radial_accel: FloatArray,
    order: IntArray, n_primary: int, t_sub: FloatArray, s_lo: int, s_hi: int,
    threshold: float, w: float, cell: float, table_bits: int,
    out_i: IntArray, out_j: IntArray, out_s: IntArray,
) -> int:
    """Candidates of sub-steps ``s_lo .. s_hi-1``; returns the count, or -1 when ``out`` is full.

    Per sub-step the live primaries are counting-sorted by the bucket of their cell into
    a packed table (position, velocity, |r|, |v|, ...), so that a bucket's objects are
    contiguous, and sorted by radius inside each bucket; primaries are then paired bucket
    by bucket (a cell list), secondaries scan the 27 cells around them.  Inside a bucket
    only the radial band that can hold a partner is visited (the radial filter of the
    module docstring), found by bisection on the sorted radii.  ``knots``: the knot table
    ``(kn, off, cnt, step)`` of :func:`~orbitwatch.screening.sampling.hermite_state`.
    """
    n = order.shape[0]
    cap = out_i.shape[0]
    size = 1 << (3 * table_bits)
    mask = table_bits
    start = np.empty(size + 1, dtype=np.int32)
    fill = np.empty(size, dtype=np.int32)
    nonempty = np.empty(n, dtype=np.int64)
    amask = (1 << table_bits) - 1
    bucket = np.empty(n, dtype=np.int64)
    cellx = np.empty((n, 3), dtype=np.int64)
    # packed states, one 64-byte row per object: x y z vx vy vz |r| |v|
    state = np.empty((n, 8))
    live = np.empty(n, dtype=np.bool_)
    # the table sorted by bucket: packed state, then what a passing pair needs
    t_state = np.empty((n, 8))
    t_err = np.empty(n)
    t_errv = np.empty(n)
    t_obj = np.empty(n, dtype=np.int64)
    t_grp = np.empty(n, dtype=np.int64)
    t_r = np.empty(n)
    t_rho = np.empty(n)
    rho = np.empty(n)
    tmp_q = np.empty(n, dtype=np.int64)
    bucket_rho = np.zeros(size)
    pv = np.empty(3)
    vv = np.empty(3)
    inv_c = 1.0 / cell
    cell2 = cell * cell
    e_max = 0.0
    ev_max = 0.0
    for q in range(n):
        e_max = max(e_max, err[order[q]])
        ev_max = max(ev_max, err_v[order[q]])
    # a loose version of the narrow test's bound, to reject most pairs cheaply
    loose = threshold + 2.0 * e_max + 2.0 * ev_max * w + 0.5 * relative_accel_bound(
        2.0 * cell + 2.0 * e_max + 1.0, _MIN_RADIUS_KM) * w * w
    loose2 = loose * loose
    limits = (threshold, w, cell2, loose2)
    offs = _OFFSETS
    m = 0
    for s in range(s_lo, s_hi):
        t = t_sub[s]
        start[:] = 0
        n_ne = 0
        for q in range(n):
            i = order[q]
            live[q] = valid[i] >= t - w and t + w >= 0.0
            if not live[q]:
                continue
            hermite_state(knots, i, t, pv, vv)
            row = state[q]
            row[0] = pv[0]
            row[1] = pv[1]
            row[2] = pv[2]
            row[3] = vv[0]
            row[4] = vv[1]
            row[5] = vv[2]
            row[6] = math.sqrt(pv[0] * pv[0] + pv[1] * pv[1] + pv[2] * pv[2])
            row[7] = math.sqrt(vv[0] * vv[0] + vv[1] * vv[1] + vv[2] * vv[2])
            rdot = (pv[0] * vv[0] + pv[1] * vv[1] + pv[2] * vv[2]) / row[6]
            rho[q] = (abs(rdot) + err_v[i]) * w + 0.5 * radial_accel[i] * w * w + err[i]
            ix, iy, iz = _cell_key(pv[0], pv[1], pv[2], inv_c)
            cellx[q, 0] = ix
            cellx[q, 1] = iy
            cellx[q, 2] = iz
            bucket[q] = _hash(ix, iy, iz, mask)
            if q < n_primary:
                if start[bucket[q] + 1] == 0:
                    nonempty[n_ne] = bucket[q]
                    n_ne += 1
                start[bucket[q] + 1] += 1
        for b in range(size):
            start[b + 1] += start[b]
        fill[:] = start[:size]
        for q in range(n_primary):
            if live[q]:
                y = fill[bucket[q]]
                fill[bucket[q]] += 1
                tmp_q[y] = q
                t_r[y] = state[q, 6]
        for a_ in range(n_ne):
            bk = nonempty[a_]
            # insertion sort of the bucket by radius (buckets are small), on contiguous keys
            for y in range(start[bk] + 1, start[bk + 1]):
                qq = tmp_q[y]
                rq = t_r[y]
                x = y - 1
                while x >= start[bk] and t_r[x] > rq:
                    tmp_q[x + 1] = tmp_q[x]
                    t_r[x + 1] = t_r[x]
                    x -= 1
                tmp_q[x + 1] = qq
                t_r[x + 1] = rq
            rmax = 0.0
            for y in range(start[bk], start[bk + 1]):
                q = tmp_q[y]
                i = order[q]
                t_state[y, :] = state[q, :]
                t_err[y] = err[i]
                t_errv[y] = err_v[i]
                t_obj[y] = i
                t_grp[y] = group[i]
                t_rho[y] = rho[q]
                rmax = max(rmax, rho[q])
            bucket_rho[bk] = rmax
        # Primaries: cell-list sweep over the non-empty buckets; each bucket is paired
        # with itself and its 13 forward neighbours (modulo 2**bits per axis), so every
        # pair of primaries in neighbouring cells is tested once.  Entries are not checked
        # for their cell: objects of two cells that share a bucket only cost a distance test.
        b2 = 2 * table_bits
        for a_ in range(n_ne):
            bk = nonempty[a_]
            bx = bk >> b2
            by = (bk >> table_bits) & amask
            bz = bk & amask
            a0 = start[bk]
            a1 = start[bk + 1]
            for o in range(-1, 13):
                if o < 0:
                    nb = bk
                else:
                    nb = ((((bx + offs[o, 0]) & amask) << b2) | (((by + offs[o, 1]) & amask) << table_bits)
                          | ((bz + offs[o, 2]) & amask))
                c0 = start[nb]
                c1 = start[nb + 1]
                if c1 == c0:
                    continue
                band_b = threshold + bucket_rho[nb] + _RADIAL_PAD_KM
                # the two buckets' radial ranges (both sorted by radius) must come within
                # the band, else no pair of them can pass the radial filter
                reach = bucket_rho[bk] + band_b
                if o >= 0 and (t_r[c0] > t_r[a1 - 1] + reach or t_r[c1 - 1] < t_r[a0] - reach):
                    continue
                # lower end of the band in the neighbour: a pointer that only moves up,
                # since the radii of this bucket ascend (``reach`` bounds every rho1 + band)
                y_lo = c0
                for y1 in range(a0, a1):
                    s1 = t_state[y1]
                    e1 = t_err[y1]
                    ev1 = t_errv[y1]
                    g1 = t_grp[y1]
                    r1 = t_r[y1]
                    rho1 = t_rho[y1]
                    hi_r = r1 + rho1 + band_b
                    if o < 0:
                        y_first = y1 + 1
                    else:
                        while y_lo < c1 and t_r[y_lo] < r1 - reach:
                            y_lo += 1
                        y_first = y_lo
                    for y2 in range(y_first, c1):
                        if t_r[y2] > hi_r:
                            break
                        if abs(t_r[y2] - r1) > threshold + rho1 + t_rho[y2] + _RADIAL_PAD_KM:
                            continue
                        if g1 >= 0 and g1 == t_grp[y2]:
                            continue
                        if _narrow(s1, t_state[y2], e1 + t_err[y2], ev1 + t_errv[y2], limits):
                            if m >= cap:
                                return -1
                            i = t_obj[y1]
                            j = t_obj[y2]
                            out_i[m] = min(i, j)
                            out_j[m] = max(i, j)
                            out_s[m] = s
                            m += 1
        # Secondaries (primaries-vs-all): each scans the 27 cells around it in the table.
        for q in range(n_primary, n):
            if not live[q]:
                continue
            sq = state[q]
            i = order[q]
            eq = err[i]
            evq = err_v[i]
            gq = group[i]
            ix = cellx[q, 0]
            iy = cellx[q, 1]
            iz = cellx[q, 2]
            rq = sq[6]
            rhoq = rho[q]
            for o in range(-1, 26):
                if o < 0:
                    bkt = _hash(ix, iy, iz, mask)
                else:
                    bkt = _hash(ix + offs[o, 0], iy + offs[o, 1], iz + offs[o, 2], mask)
                c0 = start[bkt]
                c1 = start[bkt + 1]
                if c1 == c0:
                    continue
                band_b = threshold + bucket_rho[bkt] + _RADIAL_PAD_KM
                for y in range(_first_at_least(t_r, c0, c1, rq - rhoq - band_b), c1):
                    if t_r[y] > rq + rhoq + band_b:
                        break
                    if abs(t_r[y] - rq) > threshold + rhoq + t_rho[y] + _RADIAL_PAD_KM:
                        continue
                    if gq >= 0 and gq == t_grp[y]:
                        continue
                    if _narrow(sq, t_state[y], eq + t_err[y], evq + t_errv[y], limits):
                        if m >= cap:
                            return -1
                        j = t_obj[y]
                        out_i[m] = min(i, j)
                        out_j[m] = max(i, j)
                        out_s[m] = s
                        m += 1
        for a_ in range(n_ne):
            bucket_rho[nonempty[a_]] = 0.0
    return m


@numba.njit(cache=True, parallel=True)
def _all_blocks(
    knots: tuple[FloatArray, IntArray, IntArray, FloatArray],
    objects: tuple[FloatArray, FloatArray, FloatArray, IntArray, FloatArray],
    screen: tuple[IntArray, int, FloatArray],
    grid: tuple[float, float, float, int],
    block: int,
    out: tuple[IntArray, IntArray, IntArray, IntArray],
) -> None:
    """Candidates of all sub-steps, in parallel blocks of ``block`` sub-steps (see :func:`_block`).

    Tuples (numba passes them without cost): ``knots`` = ``(kn, off, cnt, step)``, the
    knot table; ``objects`` = ``(valid, err, err_v, group, radial_accel)``, per object;
    ``screen`` = ``(order, n_primary, t_sub)``, the objects to screen (primaries first)
    and the sub-step times; ``grid`` = ``(threshold, w, cell, table_bits)``, threshold
    (km), half sub-step (s), cell size (km) and bucket bits per axis; ``out`` =
    ``(out_i, out_j, out_s, counts)``: ``(n_blocks, cap)`` candidate rows per block and
    each block's count (-1 when its rows were full).  The tuples are read by index, not
    unpacked: numba 0.68's parfors lose the writes of a ``prange`` loop to arrays that a
    parallel function unpacked from a tuple (``a, b = t``).
    """
    valid = objects[0]
    err = objects[1]
    err_v = objects[2]
    group = objects[3]
    radial_accel = objects[4]
    order = screen[0]
    n_primary = screen[1]
    t_sub = screen[2]
    threshold = grid[0]
    w = grid[1]
    cell = grid[2]
    table_bits = grid[3]
    out_i = out[0]
    out_j = out[1]
    out_s = out[2]
    counts = out[3]
    n_blocks = counts.shape[0]
    n_sub = t_sub.shape[0]
    cap = out_i.shape[1]
    for b in prange(n_blocks):
        s_lo = b * block
        s_hi = min(n_sub, s_lo + block)
        counts[b] = _block(
            knots, valid, err, err_v, group, radial_accel, order, n_primary, t_sub, s_lo, s_hi,
            threshold, w, cell, table_bits, out_i[b, :cap], out_j[b, :cap], out_s[b, :cap],
        )


def find_candidates(
    knots: Knots,
    t_sub_s: FloatArray,
    half_step_s: float,
    threshold_km: float,
    cell_km: float,
    *,
    primary: npt.NDArray[np.bool_],
    group: IntArray,
    active: npt.NDArray[np.bool_],
    radial_accel_km_s2: FloatArray | None = None,
    block: int | None = None,
) -> tuple[IntArray, IntArray, IntArray]:
    """Candidate ``(i, j, s)`` triples (``i < j`` object indices, sub-step index), sorted.

    ``t_sub_s (S,)``: sub-step times in seconds after ``knots.t0``.  ``primary (N,)``:
    pairs need at least one primary (all True for all-vs-all).  ``group (N,)``: pairs
    inside one group ``>= 0`` are skipped (same-constellation exclusion).  ``active
    (N,)``: objects to screen at all.  ``radial_accel_km_s2 (N,)``: bound on each object's
    radial acceleration (default 0.02 km/s^2, true of any orbit above 6,000 km radius).
    ``block``: sub-steps per parallel task (``None``: about 8 tasks per thread); the result
    does not depend on it.
    """
    t_sub = np.ascontiguousarray(t_sub_s, dtype=np.float64)
    use = active & (knots.valid_until_s > 0)
    prim = np.flatnonzero(use & primary)
    sec = np.flatnonzero(use & ~primary)
    # objects in the order of their knots in memory: every sub-step then reads the knot
    # array nearly sequentially (catalog order jumps across it; the output is sorted)
    prim = prim[np.argsort(knots.offset[prim], kind="stable")]
    sec = sec[np.argsort(knots.offset[sec], kind="stable")]
    order = np.concatenate((prim, sec)).astype(np.int64)
    n = order.size
    n_sub = t_sub.size
    if n < 2 or n_sub == 0 or prim.size == 0:
        e = np.empty(0, dtype=np.int64)
        return e, e, e
    # buckets per axis: about the cells across the LEO region (16,000 km), but no more
    # buckets in all than ~4 per primary (the table is cleared at every sub-step)
    bits_space = round(math.log2(16000.0 / cell_km))
    bits_count = int(math.log2(4 * prim.size) // 3)
    bits = min(6, max(2, min(bits_space + 1, bits_count + 1)))
    if block is None:
        # small blocks, several per thread: numba's prange hands out equal shares of the
        # blocks, so a few large blocks leave a core idle at the end
        block = max(2, min(64, n_sub // (8 * numba.get_num_threads())))
    n_blocks = (n_sub + block - 1) // block
    cap = max(4096, 8 * block * 64)
    knot_table = (knots.rva, knots.offset, knots.count, knots.step_s)
    objects = (
        knots.valid_until_s, knots.error_km, knots.error_v_km_s, np.ascontiguousarray(group, dtype=np.int64),
        np.ascontiguousarray(radial_accel_km_s2 if radial_accel_km_s2 is not None
                             else np.full(knots.step_s.shape, DEFAULT_RADIAL_ACCEL_KM_S2), dtype=np.float64),
    )
    screened = (order, int(prim.size), t_sub)
    grid = (float(threshold_km), float(half_step_s), float(cell_km), int(bits))
    while True:
        out_i = np.empty((n_blocks, cap), dtype=np.int64)
        out_j = np.empty((n_blocks, cap), dtype=np.int64)
        out_s = np.empty((n_blocks, cap), dtype=np.int64)
        counts = np.zeros(n_blocks, dtype=np.int64)
        _all_blocks(knot_table, objects, screened, grid, block, (out_i, out_j, out_s, counts))
        if (counts >= 0).all():
            break
        cap *= 4
    ci = np.concatenate([out_i[b, : counts[b]] for b in range(n_blocks)])
    cj = np.concatenate([out_j[b, : counts[b]] for b in range(n_blocks)])
    cs = np.concatenate([out_s[b, : counts[b]] for b in range(n_blocks)])
    key = np.lexsort((cs, cj, ci))
    ci, cj, cs = ci[key], cj[key], cs[key]
    new = np.ones(ci.size, dtype=bool)
    new[1:] = (ci[1:] != ci[:-1]) | (cj[1:] != cj[:-1]) | (cs[1:] != cs[:-1])
    return ci[new], cj[new], cs[new]
