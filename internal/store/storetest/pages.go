package storetest

import (
	"context"
	"fmt"
	"testing"

	"parkd/internal/park"
)

// testListPages: a page of passes or entries starts after its cursor, in
// id order (lists: plate key order within one list), holds at most its
// limit, and reads only its lot.
func testListPages(t *testing.T, s park.Store) {
	ctx := context.Background()
	seedLot(t, s, "L1")
	seedLot(t, s, "L2")
	pass := func(id, lot string, plates ...string) *park.Pass {
		return &park.Pass{ID: id, LotCode: lot, HolderName: id, Plates: plates, PlateKeys: plates, Spaces: 1,
			ValidFrom: base, ValidTo: base.AddDate(0, 1, 0), CreatedAt: base, UpdatedAt: base}
	}
	entry := func(id, lot, pl, category, kind string) *park.WhitelistEntry {
		return &park.WhitelistEntry{ID: id, LotCode: lot, Plate: pl, PlateKey: pl, Kind: kind, Category: category,
			ValidFrom: base, ValidTo: base.AddDate(1, 0, 0), CreatedAt: base, UpdatedAt: base}
	}
	must(t, update(t, s, func(tx park.Tx) error {
		for _, p := range []*park.Pass{pass("p3", "L1", "京C33333"), pass("p1", "L1", "京A11111", "京A22222"),
			pass("p2", "L2", "京B22222"), pass("p4", "L1", "京D44444")} {
			if err := tx.CreatePass(ctx, p); err != nil {
				return err
			}
		}
		for _, w := range []*park.WhitelistEntry{
			entry("w3", "L1", "京Z00001", park.ListWhite, park.AccessAllow),
			entry("w1", "L1", "京B00002", park.ListWhite, park.AccessAllow),
			entry("w2", "L1", "京C00003", park.ListWhite, park.AccessDeny),
			entry("w4", "L1", "京A00004", park.ListHotel, park.AccessAllow),
			entry("w5", "L1", "京M00005", park.ListWhite, park.AccessAllow),
			entry("w0", "L2", "京B00006", park.ListWhite, park.AccessAllow),
		} {
			if err := tx.CreateWhitelist(ctx, w); err != nil {
				return err
			}
		}
		return nil
	}))
	passes := func(after string, limit int) string {
		var ps []*park.Pass
		must(t, s.View(ctx, func(tx park.Tx) (err error) {
			ps, err = tx.ListPassPage(ctx, park.PageFilter{LotCode: "L1", AfterID: after, Limit: limit})
			return
		}))
		var out string
		for _, p := range ps {
			out += fmt.Sprint(p.ID, p.Plates, " ")
		}
		return out
	}
	// L1's passes are p1, p3, p4 by id; p2 is L2's.
	if got := passes("", 2); got != "p1[京A11111 京A22222] p3[京C33333] " {
		t.Fatalf("first page %q", got)
	}
	if got := passes("p3", 2); got != "p4[京D44444] " {
		t.Fatalf("after p3 %q", got)
	}
	// A cursor that is no longer a pass (p2 is not L1's) still pages on.
	if got := passes("p2", 5); got != "p3[京C33333] p4[京D44444] " {
		t.Fatalf("after p2 %q", got)
	}
	if got := passes("p4", 2); got != "" {
		t.Fatalf("after the last %q", got)
	}
	whitelist := func(after string, limit int) string {
		var ws []*park.WhitelistEntry
		must(t, s.View(ctx, func(tx park.Tx) (err error) {
			ws, err = tx.ListWhitelistPage(ctx, park.PageFilter{LotCode: "L1", AfterID: after, Limit: limit})
			return
		}))
		var out string
		for _, w := range ws {
			out += w.ID + " "
		}
		return out
	}
	// Every list of L1, by id: w1 w2 w3 w4 w5.
	if got := whitelist("", 3); got != "w1 w2 w3 " {
		t.Fatalf("whitelist first page %q", got)
	}
	if got := whitelist("w3", 3); got != "w4 w5 " {
		t.Fatalf("whitelist after w3 %q", got)
	}
	list := func(category, kind, after string, limit int) string {
		var ws []*park.WhitelistEntry
		must(t, s.View(ctx, func(tx park.Tx) (err error) {
			ws, err = tx.ListEntryPage(ctx, park.EntryFilter{LotCode: "L1", Category: category, Kind: kind,
				AfterPlateKey: after, Limit: limit})
			return
		}))
		var out string
		for _, w := range ws {
			out += w.Plate + " "
		}
		return out
	}
	// L1's allowing whitelist by plate: 京B00002, 京M00005, 京Z00001 (京C00003
	// denies; 京A00004 is a hotel guest's).
	if got := list(park.ListWhite, park.AccessAllow, "", 2); got != "京B00002 京M00005 " {
		t.Fatalf("list first page %q", got)
	}
	if got := list(park.ListWhite, park.AccessAllow, "京M00005", 2); got != "京Z00001 " {
		t.Fatalf("list after 京M00005 %q", got)
	}
	if got := list(park.ListWhite, "", "", 10); got != "京B00002 京C00003 京M00005 京Z00001 " {
		t.Fatalf("list of any kind %q", got)
	}
	if got := list(park.ListHotel, park.AccessAllow, "", 10); got != "京A00004 " {
		t.Fatalf("hotel %q", got)
	}
}
