package storetest

import (
	"context"
	"slices"
	"testing"
	"time"

	"parkd/internal/park"
)

func newPartner(id string, lots ...string) *park.Partner {
	return &park.Partner{
		ID: id, Name: "Partner " + id, Dialect: "api-one", Type: park.PartnerNormal,
		Secret: "s3cret", SignMode: "md5", Lots: lots, CreatedAt: base, UpdatedAt: base,
	}
}

func testPartners(t *testing.T, s park.Store) {
	ctx := context.Background()
	seedLot(t, s, "L1")
	seedLot(t, s, "L2")
	p := newPartner("acme", "L2", "L1")
	must(t, update(t, s, func(tx park.Tx) error { return tx.CreatePartner(ctx, p) }))
	if p.Version != 1 {
		t.Fatalf("version %d after create, want 1", p.Version)
	}

	t.Run("Get", func(t *testing.T) {
		var got *park.Partner
		must(t, s.View(ctx, func(tx park.Tx) (err error) { got, err = tx.GetPartner(ctx, "acme"); return }))
		if got.Name != p.Name || got.Dialect != p.Dialect || got.Type != p.Type || got.Secret != p.Secret ||
			got.SignMode != p.SignMode || !slices.Equal(got.Lots, []string{"L1", "L2"}) ||
			!got.CreatedAt.Equal(base.Truncate(park.Precision)) || got.Version != 1 {
			t.Fatalf("got %+v", got)
		}
	})
	t.Run("UsesLot", func(t *testing.T) {
		seedLot(t, s, "L3")
		for _, c := range []struct {
			partner, lot string
			want         bool
		}{{"acme", "L1", true}, {"acme", "L2", true}, {"acme", "L3", false}, {"acme", "nope", false}, {"nobody", "L1", false}} {
			var got bool
			must(t, s.View(ctx, func(tx park.Tx) (err error) { got, err = tx.PartnerUsesLot(ctx, c.partner, c.lot); return }))
			if got != c.want {
				t.Errorf("%s uses %s: %v, want %v", c.partner, c.lot, got, c.want)
			}
		}
	})
	t.Run("Stays", func(t *testing.T) {
		// acme uses L1 and L2, not L5; the plate is inside in all three,
		// newest in L5, then L2 entered before L1; a stay of it that left
		// L1 and another plate inside do not count. By ticket, the stays
		// of L1 and L2 with it, left or not, newest entry first.
		seedLot(t, s, "L5")
		stays := []*park.Stay{newStay("L1", "ps1", "京P1", "7001"), newStay("L2", "ps2", "京P1", "7002"),
			newStay("L5", "ps3", "京P1", "7003"), newStay("L1", "ps4", "京P1", "7004"), newStay("L2", "ps5", "京P2", "7005"),
			newStay("L2", "ps6", "京P3", "7001"), newStay("L5", "ps7", "京P4", "7001")}
		stays[0].EntryAt, stays[1].EntryAt, stays[2].EntryAt = base.Add(2*time.Hour), base.Add(time.Hour), base.Add(3*time.Hour)
		stays[3].State = park.StayOut
		stays[6].EntryAt = base.Add(5 * time.Hour)
		must(t, update(t, s, func(tx park.Tx) error {
			for _, st := range stays {
				if err := tx.InsertStay(ctx, st); err != nil {
					return err
				}
			}
			return nil
		}))
		ids := func(ss []*park.Stay) (out []string) {
			for _, st := range ss {
				out = append(out, st.ID)
			}
			return out
		}
		for _, c := range []struct {
			partner, plateKey, locator string
			want                       []string
		}{
			{"acme", "京P1", "", []string{"ps1", "ps2"}},
			{"acme", "京P9", "", nil},
			{"nobody", "京P1", "", nil},
			{"acme", "", "7001", []string{"ps1", "ps6"}},
			{"acme", "", "7004", []string{"ps4"}},
			{"acme", "", "7003", nil},
		} {
			var got []*park.Stay
			must(t, s.View(ctx, func(tx park.Tx) (err error) {
				if c.locator != "" {
					got, err = tx.ListPartnerStaysByLocator(ctx, c.partner, c.locator)
				} else {
					got, err = tx.ListPartnerInside(ctx, c.partner, c.plateKey)
				}
				return
			}))
			if !slices.Equal(ids(got), c.want) {
				t.Errorf("%s plate %q ticket %q: %v, want %v", c.partner, c.plateKey, c.locator, ids(got), c.want)
			}
		}
	})
	t.Run("List", func(t *testing.T) {
		own := newPartner("mall-own", "L1")
		own.Type, own.Secret, own.SignMode = park.PartnerOwnEntries, "", ""
		must(t, update(t, s, func(tx park.Tx) error { return tx.CreatePartner(ctx, own) }))
		var got []*park.Partner
		must(t, s.View(ctx, func(tx park.Tx) (err error) { got, err = tx.ListPartners(ctx); return }))
		var ids []string
		for _, g := range got {
			ids = append(ids, g.ID)
		}
		if !slices.Equal(ids, []string{"acme", "mall-own"}) || !slices.Equal(got[0].Lots, []string{"L1", "L2"}) ||
			!slices.Equal(got[1].Lots, []string{"L1"}) || got[1].Type != park.PartnerOwnEntries {
			t.Fatalf("got %v", ids)
		}
	})
	t.Run("ErrConflict", func(t *testing.T) {
		wantCode(t, update(t, s, func(tx park.Tx) error { return tx.CreatePartner(ctx, newPartner("acme", "L1")) }), park.EConflict)
	})
	t.Run("ErrUnknownLot", func(t *testing.T) {
		wantCode(t, update(t, s, func(tx park.Tx) error { return tx.CreatePartner(ctx, newPartner("ghost", "nope")) }), park.ENotFound)
		wantCode(t, s.View(ctx, func(tx park.Tx) error { _, err := tx.GetPartner(ctx, "ghost"); return err }), park.ENotFound)
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		wantCode(t, s.View(ctx, func(tx park.Tx) error { _, err := tx.GetPartner(ctx, "nope"); return err }), park.ENotFound)
		wantCode(t, update(t, s, func(tx park.Tx) error { return tx.DeletePartner(ctx, "nope") }), park.ENotFound)
	})
}

func testIntegrators(t *testing.T, s park.Store) {
	ctx := context.Background()
	seedLot(t, s, "L1")
	for _, id := range []string{"p1", "p2", "p3"} {
		must(t, update(t, s, func(tx park.Tx) error { return tx.CreatePartner(ctx, newPartner(id, "L1")) }))
	}
	u := &park.Integrator{Username: "ana", PasswordHash: "$2a$10$hash", Partners: []string{"p2", "p1", "p3"},
		DefaultPartner: "p1", CreatedAt: base, UpdatedAt: base}
	must(t, update(t, s, func(tx park.Tx) error { return tx.CreateIntegrator(ctx, u) }))

	get := func(t *testing.T) *park.Integrator {
		t.Helper()
		var got *park.Integrator
		must(t, s.View(ctx, func(tx park.Tx) (err error) { got, err = tx.GetIntegrator(ctx, "ana"); return }))
		return got
	}
	t.Run("Get", func(t *testing.T) {
		got := get(t)
		if got.PasswordHash != u.PasswordHash || got.DefaultPartner != "p1" || got.Version != 1 ||
			!slices.Equal(got.Partners, []string{"p2", "p1", "p3"}) || !got.CreatedAt.Equal(base.Truncate(park.Precision)) {
			t.Fatalf("got %+v (partners keep their given order)", got)
		}
	})
	t.Run("ErrConflict", func(t *testing.T) {
		dup := *u
		wantCode(t, update(t, s, func(tx park.Tx) error { return tx.CreateIntegrator(ctx, &dup) }), park.EConflict)
	})
	t.Run("ErrUnknownPartner", func(t *testing.T) {
		v := &park.Integrator{Username: "bob", PasswordHash: "x", Partners: []string{"p1", "nope"}, DefaultPartner: "p1",
			CreatedAt: base, UpdatedAt: base}
		wantCode(t, update(t, s, func(tx park.Tx) error { return tx.CreateIntegrator(ctx, v) }), park.ENotFound)
		wantCode(t, s.View(ctx, func(tx park.Tx) error { _, err := tx.GetIntegrator(ctx, "bob"); return err }), park.ENotFound)
	})
	t.Run("DeletingAPartnerReleasesIt", func(t *testing.T) {
		must(t, update(t, s, func(tx park.Tx) error { return tx.DeletePartner(ctx, "p3") }))
		if got := get(t); !slices.Equal(got.Partners, []string{"p2", "p1"}) {
			t.Fatalf("partners %v after deleting p3", got.Partners)
		}
	})
}

func testTokens(t *testing.T, s park.Store) {
	ctx := context.Background()
	seedLot(t, s, "L1")
	must(t, update(t, s, func(tx park.Tx) error { return tx.CreatePartner(ctx, newPartner("p1", "L1")) }))
	for _, name := range []string{"ana", "bia"} {
		must(t, update(t, s, func(tx park.Tx) error {
			return tx.CreateIntegrator(ctx, &park.Integrator{Username: name, PasswordHash: "x", Partners: []string{"p1"},
				DefaultPartner: "p1", CreatedAt: base, UpdatedAt: base})
		}))
	}
	tok := func(hash, user string) *park.APIToken {
		return &park.APIToken{Hash: hash, Username: user, CreatedAt: base, ExpiresAt: base.Add(park.DefaultTokenTTL)}
	}
	for _, tk := range []*park.APIToken{tok("h1", "ana"), tok("h2", "ana"), tok("h3", "bia")} {
		must(t, update(t, s, func(tx park.Tx) error { return tx.InsertToken(ctx, tk) }))
	}
	getTok := func(t *testing.T, hash string) *park.APIToken {
		t.Helper()
		var got *park.APIToken
		must(t, s.View(ctx, func(tx park.Tx) (err error) { got, err = tx.GetToken(ctx, hash); return }))
		return got
	}
	t.Run("Get", func(t *testing.T) {
		got := getTok(t, "h1")
		if got.Username != "ana" || !got.ExpiresAt.Equal(base.Add(24*time.Hour).Truncate(park.Precision)) || got.RevokedAt != nil {
			t.Fatalf("got %+v", got)
		}
	})
	t.Run("ErrConflict", func(t *testing.T) {
		wantCode(t, update(t, s, func(tx park.Tx) error { return tx.InsertToken(ctx, tok("h1", "bia")) }), park.EConflict)
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		wantCode(t, s.View(ctx, func(tx park.Tx) error { _, err := tx.GetToken(ctx, "nope"); return err }), park.ENotFound)
		wantCode(t, update(t, s, func(tx park.Tx) error { return tx.InsertToken(ctx, tok("h9", "nobody")) }), park.ENotFound)
	})
	t.Run("Revoke", func(t *testing.T) {
		at := base.Add(time.Hour)
		var n int
		must(t, update(t, s, func(tx park.Tx) (err error) { n, err = tx.RevokeTokens(ctx, "ana", at); return }))
		if n != 2 {
			t.Fatalf("revoked %d, want 2", n)
		}
		if got := getTok(t, "h2"); got.RevokedAt == nil || !got.RevokedAt.Equal(at.Truncate(park.Precision)) {
			t.Fatalf("h2 revoked at %v, want %v", got.RevokedAt, at)
		}
		if got := getTok(t, "h3"); got.RevokedAt != nil {
			t.Fatal("another user's token was revoked")
		}
		must(t, update(t, s, func(tx park.Tx) (err error) { n, err = tx.RevokeTokens(ctx, "ana", at.Add(time.Hour)); return }))
		if n != 0 {
			t.Fatalf("revoked %d again, want 0", n)
		}
		if got := getTok(t, "h1"); !got.RevokedAt.Equal(at.Truncate(park.Precision)) {
			t.Fatal("a second revocation moved the first revocation time")
		}
	})
}
