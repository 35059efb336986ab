package operators_test

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"parkd/internal/gate"
	"parkd/internal/park"
	"parkd/internal/systemtest"
)

// auditFails is a store whose audit writes fail while fail is set, as a
// full disk or a crash at that statement would.
type auditFails struct {
	park.Store
	fail *atomic.Bool
}

func (s auditFails) Update(ctx context.Context, fn func(park.Tx) error) error {
	return s.Store.Update(ctx, func(tx park.Tx) error { return fn(auditFailsTx{tx, s.fail}) })
}

type auditFailsTx struct {
	park.Tx
	fail *atomic.Bool
}

func (t auditFailsTx) InsertAudit(ctx context.Context, e *park.AuditEntry) error {
	if t.fail.Load() {
		return park.Errorf(park.EUnavailable, "the audit log could not be written")
	}
	return t.Tx.InsertAudit(ctx, e)
}

// TestAuditInChangeTx: a change an operator asks another subsystem for
// (a tariff, a barrier, a whitelist entry) is audited in the change's own
// transaction: both commit, or neither does; a refused change leaves no
// entry; a change nobody signed in asked for (a camera, a partner) is not
// an operator's and leaves none either.
func TestAuditInChangeTx(t *testing.T) {
	var fail atomic.Bool
	b := systemtest.NewWith(t, systemtest.Options{WrapStore: func(s park.Store) park.Store { return auditFails{s, &fail} }})
	ctx := park.WithActor(b.Ctx, "ana")
	// The lane exists once its camera has reported.
	b.Event(t, park.EventEntry, "沪A12345", b.Clock.Now().Add(-time.Minute))
	const newTariff = `{"every":{"minutes":60,"price":1000}}`
	audit := func(t *testing.T) []*park.AuditEntry {
		t.Helper()
		es, err := b.AuditLog(park.AuditFilter{Actor: "ana"})
		if err != nil {
			t.Fatal(err)
		}
		return es
	}
	tariff := func(t *testing.T) string {
		t.Helper()
		l, err := b.Sys.Gate.LotSettings(b.Ctx, b.Lot)
		if err != nil {
			t.Fatal(err)
		}
		return string(l.Tariff)
	}
	oldTariff := tariff(t)
	from := b.Clock.Now()
	entry := &park.WhitelistEntry{Plate: "苏E77777", Kind: park.AccessAllow, ValidFrom: from, ValidTo: from.AddDate(0, 1, 0), Reason: "物业"}

	t.Run("ErrAuditFails", func(t *testing.T) {
		fail.Store(true)
		defer fail.Store(false)
		if _, err := b.Sys.Gate.SetTariff(ctx, b.Lot, []byte(newTariff)); err == nil {
			t.Fatal("the tariff was saved though its audit entry could not be written")
		}
		if got := tariff(t); got != oldTariff {
			t.Fatalf("tariff %s after a failed audit, want the old one kept", got)
		}
		if _, err := b.Sys.Access.PutListEntry(ctx, "", b.Lot, entry); err == nil {
			t.Fatal("the whitelist entry was stored though its audit entry could not be written")
		}
		if es, err := b.Sys.Access.ListEntries(b.Ctx, "", b.Lot, park.ListWhite, ""); err != nil || len(es) != 0 {
			t.Fatalf("whitelist %d entries, %v; want none", len(es), err)
		}
	})
	t.Run("OK", func(t *testing.T) {
		if _, err := b.Sys.Gate.SetTariff(ctx, b.Lot, []byte(newTariff)); err != nil {
			t.Fatal(err)
		}
		if _, err := b.Sys.Gate.SendGateCommand(ctx, gate.GateCommandInput{LotCode: b.Lot, Lane: "in-1", Command: park.GateOpen,
			By: "operator:ana", Reason: "ticket jammed"}); err != nil {
			t.Fatal(err)
		}
		if _, err := b.Sys.Access.PutListEntry(ctx, "", b.Lot, entry); err != nil {
			t.Fatal(err)
		}
		es := audit(t) // newest first
		if len(es) != 3 {
			t.Fatalf("%d audit entries, want 3: %+v", len(es), es)
		}
		wl, lane, tf := es[0], es[1], es[2]
		if tf.Action != "tariff.update" || tf.Lot != b.Lot || tf.Before != oldTariff ||
			!strings.Contains(tf.After, `"every":{"minutes":60,"price":1000}`) {
			t.Fatalf("tariff entry %+v", tf)
		}
		if lane.Action != "lane.open" || lane.Target != "in-1" || lane.Reason != "ticket jammed" || !strings.Contains(lane.After, `"by":"operator:ana"`) {
			t.Fatalf("barrier entry %+v", lane)
		}
		if wl.Action != "whitelist.put" || wl.Target != "苏E77777" || wl.Before != "" || wl.Reason != "物业" {
			t.Fatalf("whitelist entry %+v", wl)
		}
	})
	t.Run("ErrRefused", func(t *testing.T) {
		n := len(audit(t))
		_, err := b.Sys.Gate.SetTariff(ctx, b.Lot, []byte(`{"every":{"minutes":60,"price":-1}}`))
		systemtest.WantCode(t, err, park.EInvalid)
		_, err = b.Sys.Gate.SendGateCommand(ctx, gate.GateCommandInput{LotCode: b.Lot, Lane: "no-such-lane", Command: park.GateOpen,
			By: "operator:ana", Reason: "x"})
		systemtest.WantCode(t, err, park.ENotFound)
		_, err = b.Sys.Access.PutListEntry(ctx, "", b.Lot, &park.WhitelistEntry{Plate: "苏E77777", Kind: park.AccessAllow,
			Category: park.ListHotel, ValidFrom: from, ValidTo: from.AddDate(0, 0, 1), Reason: "808"})
		systemtest.WantCode(t, err, park.EConflict)
		if got := len(audit(t)); got != n {
			t.Fatalf("%d audit entries after three refused changes, want %d", got, n)
		}
	})
	t.Run("NoActor", func(t *testing.T) {
		before, err := b.AuditLog(park.AuditFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := b.Sys.Gate.SetTariff(b.Ctx, b.Lot, []byte(systemtest.TestTariff)); err != nil {
			t.Fatal(err)
		}
		after, err := b.AuditLog(park.AuditFilter{})
		if err != nil || len(after) != len(before) {
			t.Fatalf("%d audit entries, %v; want %d: a change without an operator is not audited", len(after), err, len(before))
		}
	})
}
