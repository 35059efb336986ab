package spaces

import (
	"context"
	"encoding/binary"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"

	"parkd/internal/core"
	"parkd/internal/park"
	"parkd/internal/plate"
)

// Fuzzy search keeps, per lot and per node, an index of the plates inside
// (plate.FuzzyIndex), so a search costs a few lookups instead of a scan of
// every car. It is kept correct as follows:
//   - Entries: every search first reads the stays inside whose id is above
//     the newest one indexed less fuzzyOverlap (stay ids are time-ordered
//     UUIDv7, so this is one index seek), and adds those not indexed yet. The
//     overlap covers entries that commit after a later one was indexed
//     (concurrent transactions, a few nodes' clocks apart), so a car that
//     entered on any node is found by the next search.
//   - Exits: every candidate is checked against the store in the search's
//     own snapshot before it is returned, so a car that left is never
//     returned, whatever the index holds.
//   - The index is rebuilt from the store in the background once it is
//     FuzzyRebuildEvery old (or a search met fuzzyCatchUp recent entries,
//     or its unsorted tail is long), which drops the cars that left and
//     picks up any entry committed more than fuzzyOverlap after its id was
//     drawn (or on a node whose clock is that far behind). So a car is found by a misread plate at the next search
//     after its entry, and in the worst case FuzzyRebuildEvery (plus one
//     rebuild) later; an exact plate is always looked up in the store.
const (
	FuzzyRebuildEvery = 30 * time.Second
	fuzzyMaxTail      = 50_000 // index entries outside the sorted part before a rebuild
	fuzzyPage         = 5_000  // stays read per query while (re)building
	fuzzyCatchUp      = 500    // recent stays read by one search before it asks for a rebuild
	fuzzyOverlap      = 5 * time.Second

	DefaultFuzzyLimit = 10
	MaxFuzzyLimit     = 100
)

// insideIndex is one lot's index of the plates inside.
type insideIndex struct {
	mu      sync.RWMutex
	idx     *plate.FuzzyIndex
	stays   []fuzzyStay     // by index position
	lastID  string          // the newest stay id indexed
	recent  map[string]bool // ids indexed within fuzzyOverlap of lastID (or above it)
	built   time.Time       // wall clock of the last full build
	loading sync.Mutex      // one full build at a time
	stale   atomic.Bool     // a rebuild is due
	busy    atomic.Bool     // a background rebuild is running
}

type fuzzyStay struct{ id, key string }

// FuzzyCar is one candidate of a fuzzy search: a car inside, where it is
// parked if known, and how well its plate matched.
type FuzzyCar struct {
	CarLocation
	Rank plate.Rank
}

// FuzzyFindCars searches the cars inside a lot for a plate as a driver or
// a camera read it: exact matches first, then plates equal up to the usual
// reader confusions (0/D/Q/O, 8/B, 1/I, 5/S, 2/Z, 6/G), then within one
// wrong, missing or extra character, then plates ending with or containing
// a partial reading (at least plate.MinFuzzyQuery characters); within a
// rank, the latest entries first. At most limit (1-MaxFuzzyLimit, 0:
// DefaultFuzzyLimit) cars. Errors: EInvalid (plate, limit), ENotFound (lot).
func (s *Service) FuzzyFindCars(ctx context.Context, lot, reading string, limit int) ([]FuzzyCar, error) {
	switch {
	case limit == 0:
		limit = DefaultFuzzyLimit
	case limit < 0 || limit > MaxFuzzyLimit:
		return nil, park.Invalid("limit", "must be between 1 and %d", MaxFuzzyLimit).Because(park.ReasonRange, "1", strconv.Itoa(MaxFuzzyLimit))
	}
	q, err := plate.ParseFuzzy(reading)
	if err != nil {
		e := core.PlateInvalid("plate", err)
		if pe, ok := err.(*plate.Error); ok && pe.Short {
			e = e.Because(park.ReasonLength, strconv.Itoa(plate.MinFuzzyQuery), strconv.Itoa(plate.MaxFuzzyQuery))
		}
		return nil, e
	}
	var out []FuzzyCar
	ix := s.insideIndex(lot)
	err = s.base.View(ctx, func(tx park.Tx) error {
		out = out[:0]
		if _, err := tx.GetLotSettings(ctx, lot); err != nil {
			return err
		}
		if err := ix.refresh(ctx, tx, lot); err != nil {
			return err
		}
		seen := map[string]bool{}
		add := func(st *park.Stay, r plate.Rank) error {
			if seen[st.ID] {
				return nil
			}
			seen[st.ID] = true
			loc, err := locate(ctx, tx, st)
			if err == nil {
				out = append(out, FuzzyCar{CarLocation: *loc, Rank: r})
			}
			return err
		}
		// The exact plate straight from the store: never stale.
		if key := q.Key(); key != "" {
			st, err := tx.FindInside(ctx, lot, key)
			if err == nil {
				err = add(st, plate.RankExact)
			}
			if err != nil && !park.IsCode(err, park.ENotFound) {
				return err
			}
		}
		for _, m := range ix.search(q) {
			if len(out) >= limit {
				break
			}
			st, err := tx.FindInside(ctx, lot, m.key)
			if park.IsCode(err, park.ENotFound) {
				continue // it left: the next rebuild forgets it
			}
			if err != nil {
				return err
			}
			if err := add(st, m.rank); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(out) > limit {
		out = out[:limit]
	}
	s.maybeRebuild(lot, ix)
	return out, nil
}

func (s *Service) insideIndex(lot string) *insideIndex {
	if v, ok := s.inside.Load(lot); ok {
		return v.(*insideIndex)
	}
	v, _ := s.inside.LoadOrStore(lot, &insideIndex{})
	return v.(*insideIndex)
}

type fuzzyHit struct {
	key  string
	rank plate.Rank
}

// search returns the index's matches with their plate keys, so the lock is
// not held while they are checked.
func (ix *insideIndex) search(q plate.FuzzyQuery) []fuzzyHit {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	ms := ix.idx.Search(q)
	out := make([]fuzzyHit, len(ms))
	for i, m := range ms {
		out[i] = fuzzyHit{key: ix.stays[m.Pos].key, rank: m.Rank}
	}
	return out
}

// refresh builds the index on first use, then adds the stays that entered
// since the newest one indexed.
func (ix *insideIndex) refresh(ctx context.Context, tx park.Tx, lot string) error {
	ix.mu.RLock()
	ready, after := ix.idx != nil, ix.lastID
	ix.mu.RUnlock()
	if !ready {
		ix.loading.Lock()
		defer ix.loading.Unlock()
		ix.mu.RLock()
		ready = ix.idx != nil
		ix.mu.RUnlock()
		if !ready {
			return ix.build(ctx, tx, lot)
		}
	}
	from := overlapFrom(after)
	news, err := tx.ListStays(ctx, park.StayFilter{LotCode: lot, State: park.StayIn, AfterID: from, Limit: fuzzyCatchUp})
	if err != nil || len(news) == 0 {
		return err
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	// Every indexed id above the current overlap is in recent; what is
	// below it was indexed or is left to the next rebuild. (after may be
	// stale: another search or a build may have moved on meanwhile.)
	cur := overlapFrom(ix.lastID)
	for _, st := range news {
		if st.ID > cur && !ix.recent[st.ID] {
			ix.add(st)
		}
	}
	if len(ix.recent) > 2*fuzzyCatchUp { // forget ids below the overlap
		from = overlapFrom(ix.lastID)
		for id := range ix.recent {
			if id <= from {
				delete(ix.recent, id)
			}
		}
	}
	if len(news) == fuzzyCatchUp || ix.idx.Tail() > fuzzyMaxTail {
		ix.stale.Store(true)
	}
	return nil
}

// add indexes one stay; the caller holds mu.
func (ix *insideIndex) add(st *park.Stay) {
	ix.idx.Add(st.PlateKey)
	ix.stays = append(ix.stays, fuzzyStay{id: st.ID, key: st.PlateKey})
	ix.recent[st.ID] = true
	ix.lastID = max(ix.lastID, st.ID)
}

// overlapFrom is the id to read stays after: fuzzyOverlap before the
// instant of id when it is a UUIDv7 (the first 48 bits are milliseconds
// since the epoch), else id itself.
func overlapFrom(id string) string {
	u, err := uuid.Parse(id)
	if err != nil || u.Version() != 7 {
		return id
	}
	ms := int64(binary.BigEndian.Uint64(u[:8])>>16) - fuzzyOverlap.Milliseconds()
	if ms < 0 {
		return ""
	}
	return fmt.Sprintf("%08x-%04x", ms>>16, ms&0xFFFF)
}

// build reads every stay inside and replaces the index.
func (ix *insideIndex) build(ctx context.Context, tx park.Tx, lot string) error {
	started := time.Now()
	var (
		stays []fuzzyStay
		keys  []string
		after string
	)
	for {
		page, err := tx.ListStays(ctx, park.StayFilter{LotCode: lot, State: park.StayIn, AfterID: after, Limit: fuzzyPage})
		if err != nil {
			return err
		}
		for _, st := range page {
			stays = append(stays, fuzzyStay{id: st.ID, key: st.PlateKey})
			keys = append(keys, st.PlateKey)
		}
		if len(page) < fuzzyPage {
			break
		}
		after = page[len(page)-1].ID
	}
	idx := plate.NewFuzzyIndex(keys)
	ix.mu.Lock()
	defer ix.mu.Unlock()
	old := ix.stays
	ix.idx, ix.stays, ix.built, ix.recent, ix.lastID = idx, stays, started, map[string]bool{}, ""
	if len(stays) > 0 {
		ix.lastID = stays[len(stays)-1].id
	}
	from := overlapFrom(ix.lastID)
	for i := len(stays) - 1; i >= 0 && stays[i].id > from; i-- {
		ix.recent[stays[i].id] = true
	}
	// Stays the old index caught up on while this one was read are kept
	// (a car that left meanwhile is dropped by the checks of each search).
	for _, st := range old {
		if st.id > from && !ix.recent[st.id] {
			ix.add(&park.Stay{ID: st.id, PlateKey: st.key})
		}
	}
	ix.stale.Store(false)
	return nil
}

// maybeRebuild starts a background rebuild when the index is due one;
// searches keep using the old index meanwhile.
func (s *Service) maybeRebuild(lot string, ix *insideIndex) {
	ix.mu.RLock()
	due := ix.stale.Load() || time.Since(ix.built) > FuzzyRebuildEvery
	ix.mu.RUnlock()
	if !due || !ix.busy.CompareAndSwap(false, true) {
		return
	}
	go func() {
		defer ix.busy.Store(false)
		ix.loading.Lock()
		defer ix.loading.Unlock()
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := s.base.View(ctx, func(tx park.Tx) error { return ix.build(ctx, tx, lot) }); err != nil {
			s.base.Log.Warn("fuzzy index rebuild failed", "lot", lot, "err", err)
		}
	}()
}
