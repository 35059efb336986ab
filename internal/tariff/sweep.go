package tariff

import "time"

// The sweep prices a span of a stay. It walks the span piece by piece,
// where a piece is a stretch in which nothing changes: the same band
// occurrence, daily window, zone offset and free/billable state. All
// blocks that start inside a piece have the same length and price, so a
// piece costs O(1) however many blocks it holds.
//
// Blocks: billable time is cut into blocks from its start; `first` (once
// per span, when asked for) and then the `every` of the band each block
// starts in. A started block is paid in full and its paid time is not
// billed again: after a free gap the next block starts at the later of the
// gap's end and the end of the last paid block.
//
// Caps: each block is charged its price cut to what is left of every cap
// it falls under (its band occurrence, its daily window, the stay). All
// those budgets shrink together, so n equal blocks cost
// min(n*price, smallest budget) and pieces compose exactly.
//
// Long stays: at each daily-window start the sweep records its state. When
// the state equals the one 1..histLen days earlier with nothing non-daily
// (a pass window edge, a zone offset change) in between, every following
// day repeats that period's charge, so whole periods are added at once up
// to the next non-daily change, the exit or the stay cap. A year costs
// about as much as three days.

// span is the part of a stay one sweep prices.
type span struct {
	entry int64 // the stay's entry: rolling daily windows start here
	start int64
	end   int64
	first bool // whether the first block is `first`
}

const histLen = 16

type mark struct {
	t, phase, occ, total int64
	first                bool
}

type history struct {
	m       [histLen]mark
	n, head int
}

func (h *history) push(m mark) {
	h.m[h.head] = m
	h.head = (h.head + 1) % histLen
	h.n = min(h.n+1, histLen)
}

// repeats finds the most recent earlier mark with the same state, no
// earlier than since, and returns the period and its charge.
func (h *history) repeats(cur mark, since int64) (period, amount int64, ok bool) {
	for j := 1; j <= h.n; j++ {
		m := &h.m[(h.head-j+histLen)%histLen]
		if m.t < since || cur.t-m.t != int64(j)*daySec {
			return 0, 0, false
		}
		if m.phase == cur.phase && m.occ == cur.occ && m.first == cur.first {
			return cur.t - m.t, cur.total - m.total, true
		}
	}
	return 0, 0, false
}

// Line keys: a billable line is keyed by its band occurrence (>= 0) so it
// never spans two occurrences; free lines by kind.
const (
	keyNone   = -1 << 62
	keyRepeat = -100
)

// lineWriter merges consecutive pieces with the same key into one line.
// The open line is kept here and appended when it closes, so merging a
// piece costs no time conversion. (out is not a field: escape analysis
// would then move the caller's buffer to the heap.)
type lineWriter struct {
	open     bool
	key      int64
	from, to int64
	label    string
	amount   int64
}

func (w *lineWriter) piece(out *[]Line, from, to, key int64, label string, amount int64) {
	if out == nil {
		return
	}
	if w.open && key == w.key {
		w.to, w.amount = to, addSat(w.amount, amount)
		return
	}
	w.flush(out)
	w.open, w.key, w.from, w.to, w.label, w.amount = true, key, from, to, label, amount
}

// repeat records whole repeated periods [from, to); periodStart is where
// the period they copy began. A line that already covered that whole
// period just grows.
func (w *lineWriter) repeat(out *[]Line, from, to, periodStart, amount int64) {
	if out != nil && w.open && w.from <= periodStart {
		w.to, w.amount = to, addSat(w.amount, amount)
		return
	}
	w.piece(out, from, to, keyRepeat, LabelRepeat, amount)
}

func (w *lineWriter) flush(out *[]Line) {
	if w.open {
		*out = append(*out, Line{From: unixTime(w.from), To: unixTime(w.to), Label: w.label, Amount: w.amount})
		w.open = false
	}
}

func freeLabel(kind int) string {
	switch kind {
	case freeGrace:
		return LabelGrace
	case freeWindow:
		return LabelFreeWindow
	}
	return LabelFreeSlot
}

// run prices sp and, when out is not nil, appends its lines.
func (p *plan) run(loc *time.Location, ft *freeTime, sp span, out *[]Line) int64 {
	t, end := sp.start, sp.end
	if t >= end {
		return 0
	}
	off, _, zEnd := zoneAt(loc, t)
	sod := floorMod(t+off, daySec)

	si := p.segAt(sod)
	bi := p.segs[si].band
	bEnd := segEnd(t, sod, p.segs[si].next)
	var occSpent, occID int64

	var winDay, wEnd int64
	if p.calendar {
		winDay = floorDiv(t+off, daySec)
		wEnd = (winDay+1)*daySec - off
	} else {
		wEnd = sp.entry + (floorDiv(t-sp.entry, daySec)+1)*daySec
	}
	checkpoint := wEnd-t == daySec // the span starts a daily window
	var winSpent, total int64
	stayLeft := never
	if p.stayCap > 0 {
		stayLeft = p.stayCap
	}
	pos := t // where the next block may start
	firstPending := sp.first && p.hasFirst
	lastEvent := t
	var hist history
	var w lineWriter

	for t < end {
		kind, fNext, np := ft.at(t, sod)
		np = min(np, zEnd)
		if checkpoint {
			checkpoint = false
			occ := occSpent
			if p.bands[bi].cap == 0 {
				occ = 0 // irrelevant without a cap; lets uncapped days match
			}
			cur := mark{t: t, phase: max(0, pos-t), occ: occ, total: total, first: firstPending}
			if period, c, ok := hist.repeats(cur, lastEvent); ok {
				// Stop short of the next change so it is applied by the
				// normal path below.
				k := (min(end, np) - 1 - t) / period
				if stayLeft != never && c > 0 {
					k = min(k, stayLeft/c)
				}
				if k > 0 {
					d, add := k*period, mulSat(k, c)
					w.repeat(out, t, t+d, t-period, add)
					total = addSat(total, add)
					if stayLeft != never {
						stayLeft -= add
					}
					t += d
					pos = t + cur.phase
					bEnd = addSat(bEnd, d)
					wEnd += d
					winDay += d / daySec
					hist = history{}
					cur.t, cur.total = t, total
					hist.push(cur)
					continue
				}
			}
			hist.push(cur)
		}

		next := min(end, zEnd, bEnd, wEnd, fNext)
		if next <= t { // cannot happen; guarantees progress regardless
			next = t + 1
		}
		var amt int64
		if kind == billable {
			pos = max(pos, t)
			if pos < next {
				left := stayLeft
				if c := p.bands[bi].cap; c > 0 {
					left = min(left, c-occSpent)
				}
				if p.dailyCap > 0 {
					left = min(left, p.dailyCap-winSpent)
				}
				if firstPending {
					firstPending = false
					amt = min(p.first.price, left)
					pos += p.first.sec
				}
				if pos < next {
					e := p.bands[bi].every
					n := (next - pos + e.sec - 1) / e.sec
					amt += min(mulSat(n, e.price), left-amt)
					pos += n * e.sec
				}
				occSpent = addSat(occSpent, amt)
				winSpent = addSat(winSpent, amt)
				total = addSat(total, amt)
				if stayLeft != never {
					stayLeft -= amt
				}
			}
			w.piece(out, t, next, occID, p.bands[bi].name, amt)
		} else {
			w.piece(out, t, next, -int64(kind), freeLabel(kind), 0)
		}

		t = next
		if t >= end {
			break
		}
		if t == np {
			lastEvent = t
		}
		if stayLeft == 0 {
			w.piece(out, t, end, keyNone+1, LabelStayCap, 0)
			break
		}

		// Apply whatever changes at t.
		zoneChanged := t >= zEnd
		if zoneChanged {
			off, _, zEnd = zoneAt(loc, t)
		}
		sod = floorMod(t+off, daySec)
		if zoneChanged || t >= bEnd {
			si = p.segAt(sod)
			if nb := p.segs[si].band; nb != bi {
				bi, occSpent = nb, 0
				occID++
			}
			bEnd = segEnd(t, sod, p.segs[si].next)
		}
		if p.calendar {
			if zoneChanged || t >= wEnd {
				// A calendar window starts when the local date first
				// passes the current one, so a repeated hour after a
				// fall-back change stays in the day it belongs to.
				if d := floorDiv(t+off, daySec); d > winDay {
					winDay, winSpent, checkpoint = d, 0, true
				}
				wEnd = (winDay+1)*daySec - off
			}
		} else if t >= wEnd {
			winSpent, checkpoint = 0, true
			wEnd += daySec
		}
	}
	w.flush(out)
	return total
}

func segEnd(t, sod, next int64) int64 {
	if next == never {
		return never
	}
	return t - sod + next
}

// addSat and mulSat work on non-negative amounts and saturate at never
// (MaxInt64) instead of wrapping.
func addSat(a, b int64) int64 {
	if a > never-b {
		return never
	}
	return a + b
}

func mulSat(a, b int64) int64 {
	if a == 0 || b == 0 {
		return 0
	}
	if a > never/b {
		return never
	}
	return a * b
}
