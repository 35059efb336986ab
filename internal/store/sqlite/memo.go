package sqlite

import (
	"database/sql"

	"parkd/internal/park"
	"parkd/internal/store/jsonrow"
	"parkd/internal/store/sqlite/db"
)

// memo keeps, for one group commit (one write transaction), answers that
// every gate event looks up again: a lot's settings (with its tariff
// document), whether anyone subscribed to a kind of a lot's reports,
// whether a partner is registered for a lot, how many cars a lot holds (kept up to
// date by the batch's own AddOccupied), the stays it read or wrote (their
// rows) and the indexed columns of the charge sessions (rowMemo). Nothing but the writer
// writes, so an answer holds until this transaction changes what it was
// read from: every txn method that writes those tables calls forget (a
// stay's or a charge session's update notes what it wrote instead), and
// so does a request's savepoint rolled back (its changes undone).
// Read-only transactions have none.
type memo struct {
	lots       map[string]park.Lot
	subscribed map[[2]string]bool
	uses       map[[2]string]bool // partner, lot
	inside     map[string]int64
	sessions   rowMemo[sessionKeys]
	// stays holds each stay's row as this transaction last read or wrote
	// it: UpdateStay takes its indexed columns from it, and a stay written
	// and then reported (an entry, an exit and its order) is not read
	// back from the file.
	stays map[string]db.Stay
}

// rowKeys are a row's indexed columns as this transaction last read or
// wrote them, at the row's version then. Every change of a versioned row
// bumps its version, so at that version the row holds exactly these.
type rowKeys[K comparable] struct {
	version int64
	keys    K
}

// stayKeys are the indexed columns of a stay that an update may leave as
// they are; sessionKeys those of a charge session.
type (
	stayKeys struct {
		plateKey, state, passID string
		exitAt                  sql.NullInt64
	}
	sessionKeys struct {
		transactionID int64
		status        string
	}
)

func newMemo() *memo {
	return &memo{lots: map[string]park.Lot{}, subscribed: map[[2]string]bool{}, uses: map[[2]string]bool{}, inside: map[string]int64{},
		sessions: rowMemo[sessionKeys]{}, stays: map[string]db.Stay{}}
}

// forget drops every answer; on a nil memo it does nothing.
func (m *memo) forget() {
	if m == nil {
		return
	}
	clear(m.lots)
	clear(m.subscribed)
	clear(m.uses)
	clear(m.inside)
	clear(m.stays)
	clear(m.sessions)
}

// count returns lot's count of cars inside, when known.
func (m *memo) count(lot string) (int64, bool) {
	if m == nil {
		return 0, false
	}
	n, ok := m.inside[lot]
	return n, ok
}

// keepCount remembers a count read from the database. A count of zero is
// not kept: the stored sum may be below zero (CountInside shows it as
// zero), and a delta applied to the zero shown would be wrong.
func (m *memo) keepCount(lot string, n int64) {
	if m != nil && n > 0 {
		m.inside[lot] = n
	}
}

// added follows a change of lot's count written by this transaction.
func (m *memo) added(lot string, delta int64) {
	if m == nil {
		return
	}
	if n, ok := m.inside[lot]; ok {
		if n += delta; n > 0 {
			m.inside[lot] = n
		} else {
			delete(m.inside, lot)
		}
	}
}

// lot returns a copy of lot code's settings, when known. The copy shares
// the tariff document, which nobody changes in place.
func (m *memo) lot(code string) (*park.Lot, bool) {
	if m == nil {
		return nil, false
	}
	l, ok := m.lots[code]
	return &l, ok
}

func (m *memo) keepLot(l *park.Lot) {
	if m != nil {
		m.lots[l.Code] = *l
	}
}

func (m *memo) isSubscribed(lot, kind string) (ok, known bool) {
	if m == nil {
		return false, false
	}
	ok, known = m.subscribed[[2]string{lot, kind}]
	return ok, known
}

func (m *memo) keepSubscribed(lot, kind string, ok bool) {
	if m != nil {
		m.subscribed[[2]string{lot, kind}] = ok
	}
}

func (m *memo) partnerUses(partner, lot string) (ok, known bool) {
	if m == nil {
		return false, false
	}
	ok, known = m.uses[[2]string{partner, lot}]
	return ok, known
}

func (m *memo) keepPartnerUses(partner, lot string, ok bool) {
	if m != nil {
		m.uses[[2]string{partner, lot}] = ok
	}
}

// rowMemo holds rows' indexed columns (sessionKeys) by id, as read or
// written at a version.
type rowMemo[K comparable] map[string]rowKeys[K]

func (m rowMemo[K]) keep(id string, version int64, keys K) {
	if m != nil {
		m[id] = rowKeys[K]{version, keys}
	}
}

// at returns a row's indexed columns at version, when known.
func (m rowMemo[K]) at(id string, version int64) (K, bool) {
	k, ok := m[id]
	return k.keys, ok && k.version == version
}

// stayKeysAt returns a stay's indexed columns at version, when known.
func (m *memo) stayKeysAt(id string, version int64) (stayKeys, bool) {
	if m == nil {
		return stayKeys{}, false
	}
	r, ok := m.stays[id]
	if !ok || r.Version != version {
		return stayKeys{}, false
	}
	return stayKeys{plateKey: r.PlateKey, state: r.State, passID: r.PassID, exitAt: r.ExitAt}, true
}

// sessionRows is nil on a nil memo.
func (m *memo) sessionRows() rowMemo[sessionKeys] {
	if m == nil {
		return nil
	}
	return m.sessions
}

// stay returns stay id's row as last read or written, when known.
func (m *memo) stay(id string) (db.Stay, bool) {
	if m == nil {
		return db.Stay{}, false
	}
	r, ok := m.stays[id]
	return r, ok
}

func (m *memo) keepStay(r db.Stay) {
	if m != nil {
		m.stays[r.ID] = r
	}
}

// updatedStay follows UpdateStay, which wrote s's changeable columns at
// version was: the row is known again only if it was known at was (the
// columns no update writes come from it).
func (m *memo) updatedStay(s *park.Stay, was int64) {
	if m == nil {
		return
	}
	r, ok := m.stays[s.ID]
	if !ok || r.Version != was {
		delete(m.stays, s.ID)
		return
	}
	r.Plate, r.PlateKey, r.VehicleClass, r.ExitAt, r.ExitLane = s.Plate, s.PlateKey, s.VehicleClass, nullUS(s.ExitAt), s.ExitLane
	r.State, r.PassID, r.Total, r.Paid, r.Discount = s.State, s.PassID, s.Total, s.Paid, s.Discount
	r.PaidUntil, r.Anomaly, r.UpdatedAt, r.KeptFree = nullUS(s.PaidUntil), s.Anomaly, us(s.UpdatedAt), jsonrow.Periods(s.KeptFree)
	r.PassFrom, r.ReservationID, r.Version = nullUS(s.PassFrom), s.ReservationID, s.Version
	m.stays[s.ID] = r
}
