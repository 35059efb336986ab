package sqlite

import (
	"database/sql"

	"parkd/internal/park"
)

// memo keeps, for one group commit (one write transaction), answers that
// every gate event looks up again: a lot's settings (with its tariff
// document), whether anyone subscribed to a kind of a lot's reports,
// whether a partner is registered for a lot, how many cars a lot holds (kept up to
// date by the batch's own AddOccupied), and the indexed columns of the stays
// and charge sessions it read or wrote (stayKeys, sessionKeys). Nothing but the writer
// writes, so an answer holds until this transaction changes what it was
// read from: every txn method that writes those tables calls forget, and
// so does a request's savepoint rolled back (its changes undone).
// Read-only transactions have none.
type memo struct {
	lots       map[string]park.Lot
	subscribed map[[2]string]bool
	uses       map[[2]string]bool // partner, lot
	inside     map[string]int64
	stays      map[string]stayKeys    // stay id
	sessions   map[string]sessionKeys // charge session id
}

// sessionKeys are a charge session's indexed columns that a change may
// leave as they are, at its version, as stayKeys.
type sessionKeys struct {
	version       int64
	transactionID int64
	status        string
}

// stayKeys are a stay's indexed columns as this transaction last read or
// wrote them, at the stay's version then. Every change of a stay bumps its
// version, so at that version the row holds exactly these.
type stayKeys struct {
	version                 int64
	plateKey, state, passID string
	exitAt                  sql.NullInt64
}

func newMemo() *memo {
	return &memo{lots: map[string]park.Lot{}, subscribed: map[[2]string]bool{}, uses: map[[2]string]bool{}, inside: map[string]int64{},
		stays: map[string]stayKeys{}, sessions: map[string]sessionKeys{}}
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

// keepStay remembers the indexed columns of a stay read or written.
func (m *memo) keepStay(id string, k stayKeys) {
	if m != nil {
		m.stays[id] = k
	}
}

// stayAt returns a stay's indexed columns at version, when known.
func (m *memo) stayAt(id string, version int64) (stayKeys, bool) {
	if m == nil {
		return stayKeys{}, false
	}
	k, ok := m.stays[id]
	return k, ok && k.version == version
}

func (m *memo) keepSession(id string, k sessionKeys) {
	if m != nil {
		m.sessions[id] = k
	}
}

// sessionAt returns a charge session's indexed columns at version, when known.
func (m *memo) sessionAt(id string, version int64) (sessionKeys, bool) {
	if m == nil {
		return sessionKeys{}, false
	}
	k, ok := m.sessions[id]
	return k, ok && k.version == version
}
