package sqlite

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"parkd/internal/park"
)

func ticketsLot(t *testing.T, s *Store, code string) {
	t.Helper()
	at := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	if err := s.Update(context.Background(), func(tx park.Tx) error {
		return tx.CreateLot(context.Background(), &park.Lot{Code: code, Name: code, TimeZone: "UTC", Currency: "CNY",
			Capacity: 10, QuoteTTLSeconds: 60, MissedEntry: park.MissedEntryHold, CreatedAt: at, UpdatedAt: at})
	}); err != nil {
		t.Fatal(err)
	}
}

func ticketsStay(t *testing.T, s *Store, lot, id, locator string) *park.Stay {
	t.Helper()
	at := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	st := &park.Stay{ID: id, LotCode: lot, Plate: id, PlateKey: id, VehicleClass: park.ClassSmall, Locator: locator,
		EntryAt: at, EntryLane: "in-1", State: park.StayIn, UpdatedAt: at}
	if err := s.Update(context.Background(), func(tx park.Tx) error { return tx.InsertStay(context.Background(), st) }); err != nil {
		t.Fatal(err)
	}
	return st
}

func ticketsFind(t *testing.T, s *Store, lot, locator string) string {
	t.Helper()
	var got *park.Stay
	if err := s.View(context.Background(), func(tx park.Tx) (err error) {
		got, err = tx.GetStayByLocator(context.Background(), lot, locator)
		return
	}); err != nil {
		t.Fatalf("ticket %s: %v", locator, err)
	}
	return got.ID
}

// A ticket drawn at random before tickets were enciphered may be the one
// the next sequence number gives: that number is skipped, so the lot never
// holds one ticket twice, and both stays are found by theirs.
func TestTicketOfAnOlderStaySkipped(t *testing.T) {
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "parkd.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ticketsLot(t, s, "L1")
	first := ticketsSeq(t, s, ticketsStay(t, s, "L1", "first", ""))
	next, _ := s.tickets.c.Encode(first + 1)
	after, _ := s.tickets.c.Encode(first + 2)
	ticketsStay(t, s, "L1", "older", next) // as if drawn at random long ago
	st := ticketsStay(t, s, "L1", "new", "")
	if st.Locator != after {
		t.Fatalf("the new stay got ticket %s; want %s, the one after the taken %s", st.Locator, after, next)
	}
	for locator, want := range map[string]string{next: "older", after: "new"} {
		if got := ticketsFind(t, s, "L1", locator); got != want {
			t.Errorf("ticket %s: stay %s, want %s", locator, got, want)
		}
	}
}

// The key is kept in the database: tickets issued before a restart are
// found after it, and numbering goes on from the last.
func TestTicketsSurviveARestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "parkd.db")
	s, err := Open(context.Background(), path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ticketsLot(t, s, "L1")
	before := ticketsStay(t, s, "L1", "before", "")
	seq := ticketsSeq(t, s, before)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err = Open(context.Background(), path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got := ticketsFind(t, s, "L1", before.Locator); got != "before" {
		t.Fatalf("after a restart, ticket %s finds %s", before.Locator, got)
	}
	after := ticketsStay(t, s, "L1", "after", "")
	if got := ticketsSeq(t, s, after); got != seq+1 {
		t.Errorf("after a restart, ticket number %d; want %d, the next", got, seq+1)
	}
}

// A look-up by an enciphered ticket goes through its number's index, and
// only older tickets are in the tickets' own index.
func TestTicketIndexes(t *testing.T) {
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "parkd.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for q, want := range map[string]string{
		"SELECT * FROM stays WHERE ticket = 1 AND lot_code = 'L1' AND locator = '1234567890'":            "stays_ticket",
		"SELECT * FROM stays WHERE lot_code = 'L1' AND locator = '1234567890' AND ticket IS NULL":        "stays_locator",
		"SELECT EXISTS (SELECT 1 FROM stays WHERE lot_code = 'L1' AND locator = 'x' AND ticket IS NULL)": "stays_locator",
	} {
		rows, err := s.r.Query("EXPLAIN QUERY PLAN " + q)
		if err != nil {
			t.Fatal(err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		if !strings.Contains(strings.Join(plan, "; "), "INDEX "+want) {
			t.Errorf("%s: plan %q, want index %s", q, plan, want)
		}
	}
}

func ticketsSeq(t *testing.T, s *Store, st *park.Stay) uint64 {
	t.Helper()
	seq, ok := s.tickets.c.Decode(st.Locator)
	if !ok {
		t.Fatalf("stay %s has ticket %q, not an enciphered one", st.ID, st.Locator)
	}
	return seq
}
