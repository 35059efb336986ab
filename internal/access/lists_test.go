package access_test

import (
	"strings"
	"testing"
	"time"

	"parkd/internal/park"
)

// wantField fails unless err is a domain error with code naming field.
func wantField(t *testing.T, err error, code park.Code, field string) {
	t.Helper()
	if pe, ok := err.(*park.Error); !ok || pe.Code != code || pe.Field != field {
		t.Fatalf("got %#v, want %s naming %q", err, code, field)
	}
}

// TestListEntries: a plate has one entry per lot; putting it on the list
// it is on replaces the entry, on another list is a conflict; deleting
// from a list it is not on is not found.
func TestListEntries(t *testing.T) {
	b := setup(t)
	a := b.Sys.Access
	from, to := t0, t0.AddDate(0, 1, 0)
	w, err := a.PutListEntry(b.Ctx, "", b.Lot, &park.WhitelistEntry{Plate: "苏e77777", Kind: park.AccessAllow, ValidFrom: from, ValidTo: to, Reason: "物业"})
	if err != nil || w.Plate != "苏E77777" || w.Category != park.ListWhite {
		t.Fatalf("put %+v, %v", w, err)
	}
	// Again on the whitelist: the same entry, its window replaced.
	again, err := a.PutListEntry(b.Ctx, "", b.Lot, &park.WhitelistEntry{Plate: "苏E77777", Kind: park.AccessAllow, ValidFrom: from, ValidTo: to.AddDate(1, 0, 0)})
	if err != nil || again.ID != w.ID || !again.ValidTo.Equal(to.AddDate(1, 0, 0)) || again.Reason != "" {
		t.Fatalf("replace %+v, %v", again, err)
	}
	// On the hotel list or as a special vehicle: the plate is taken.
	_, err = a.PutListEntry(b.Ctx, "", b.Lot, &park.WhitelistEntry{Plate: "苏E77777", Kind: park.AccessAllow, Category: park.ListHotel, ValidFrom: from, ValidTo: to, Reason: "808"})
	wantField(t, err, park.EConflict, "plate")
	_, err = a.PutSpecialVehicle(b.Ctx, "", b.Lot, "苏E77777", "police", time.Time{}, time.Time{})
	wantField(t, err, park.EConflict, "plate")
	// A whitelist entry allows; refusing a car is the deny list's.
	_, err = a.PutListEntry(b.Ctx, "", b.Lot, &park.WhitelistEntry{Plate: "苏E11111", Kind: park.AccessDeny, ValidFrom: from, ValidTo: to})
	wantField(t, err, park.EInvalid, "kind")
	// A plate-less car's temporary identity holds no entry.
	_, err = a.PutListEntry(b.Ctx, "", b.Lot, &park.WhitelistEntry{Plate: "临7KQ2M9X", Kind: park.AccessAllow, ValidFrom: from, ValidTo: to})
	wantField(t, err, park.EInvalid, "plate")

	if _, err := a.PutListEntry(b.Ctx, "", b.Lot, &park.WhitelistEntry{Plate: "浙A88888", Kind: park.AccessAllow, Category: park.ListHotel, ValidFrom: from, ValidTo: to, Reason: "808"}); err != nil {
		t.Fatal(err)
	}
	if hotel, err := a.ListEntries(b.Ctx, "", b.Lot, park.ListHotel, ""); err != nil || len(hotel) != 1 || hotel[0].Plate != "浙A88888" {
		t.Fatalf("hotel list %+v, %v", hotel, err)
	}
	if white, err := a.ListEntries(b.Ctx, "", b.Lot, park.ListWhite, "浙A88888"); err != nil || len(white) != 0 {
		t.Fatalf("a hotel car listed as a whitelist car: %+v, %v", white, err)
	}
	// Deleting from the wrong list finds nothing and changes nothing.
	_, err = a.DeleteListEntry(b.Ctx, "", b.Lot, "浙A88888", park.ListWhite)
	wantField(t, err, park.ENotFound, "plate")
	if del, err := a.DeleteListEntry(b.Ctx, "", b.Lot, "浙A88888", park.ListHotel); err != nil || del.Reason != "808" {
		t.Fatalf("delete %+v, %v", del, err)
	}
	_, err = a.DeleteListEntry(b.Ctx, "", b.Lot, "浙A88888", park.ListHotel)
	wantField(t, err, park.ENotFound, "plate")
}

// TestSpecialVehicles: police, ambulance and fire vehicles are allowed,
// a blacklisted car is refused; an absent window is 2000-01-01 to
// 2100-01-01 in the lot's zone; another type is refused.
func TestSpecialVehicles(t *testing.T) {
	b := setup(t)
	a := b.Sys.Access
	shanghai, _ := time.LoadLocation("Asia/Shanghai")
	amb, err := a.PutSpecialVehicle(b.Ctx, "", b.Lot, "京A99999", "ambulance", time.Time{}, time.Time{})
	if err != nil || amb.Kind != park.AccessAllow || amb.Reason != "ambulance" ||
		!amb.ValidFrom.Equal(time.Date(2000, 1, 1, 0, 0, 0, 0, shanghai)) || !amb.ValidTo.Equal(time.Date(2100, 1, 1, 0, 0, 0, 0, shanghai)) {
		t.Fatalf("ambulance %+v, %v", amb, err)
	}
	black, err := a.PutSpecialVehicle(b.Ctx, "", b.Lot, "京B66666", "blacklist", t0, t0.AddDate(0, 3, 0))
	if err != nil || black.Kind != park.AccessDeny || !black.ValidFrom.Equal(t0) {
		t.Fatalf("blacklist %+v, %v", black, err)
	}
	wantDecision(t, b.Event(t, park.EventEntry, "京B66666", b.Clock.Now()), park.DecisionHold, park.ReasonRefused, 0)
	// Re-put: the type changes in place.
	if police, err := a.PutSpecialVehicle(b.Ctx, "", b.Lot, "京B66666", "police", time.Time{}, time.Time{}); err != nil || police.ID != black.ID || police.Kind != park.AccessAllow {
		t.Fatalf("re-put %+v, %v", police, err)
	}
	_, err = a.PutSpecialVehicle(b.Ctx, "", b.Lot, "京C12345", "vip", time.Time{}, time.Time{})
	wantField(t, err, park.EInvalid, "type")
	if got, err := a.ListEntries(b.Ctx, "", b.Lot, park.ListSpecial, ""); err != nil || len(got) != 2 || got[0].Plate != "京A99999" {
		t.Fatalf("special vehicles %+v, %v", got, err)
	}
}

// TestFindInternalCar: a car is internal when the gate would let it in
// free now, by its entry rule: a valid allowing entry, or a valid pass
// that admits it now with a space free; a car inside on its pass holds
// that space itself.
func TestFindInternalCar(t *testing.T) {
	b := setup(t)
	a := b.Sys.Access
	now := b.Clock.Now() // 15:00 in the lot's zone
	if _, err := a.CreatePlan(b.Ctx, b.Lot, &park.Plan{Code: "night", Name: "夜间", Price: 100, Slots: nightSlots}); err != nil {
		t.Fatal(err)
	}
	for _, p := range []*park.Pass{
		{HolderName: "One space", Plates: []string{"京A11111", "京A22222"}, Spaces: 1, ValidFrom: t0, ValidTo: t0.AddDate(0, 1, 0)},
		{HolderName: "Night", Plates: []string{"京N11111"}, Plan: "night", ValidFrom: t0, ValidTo: t0.AddDate(0, 1, 0)},
		{HolderName: "Lapsed", Plates: []string{"京L11111"}, ValidFrom: t0.AddDate(0, -2, 0), ValidTo: t0.AddDate(0, -1, 0)},
	} {
		if _, err := a.CreatePass(b.Ctx, "", b.Lot, p); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := a.PutSpecialVehicle(b.Ctx, "", b.Lot, "京B66666", "blacklist", time.Time{}, time.Time{}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.PutListEntry(b.Ctx, "", b.Lot, &park.WhitelistEntry{Plate: "苏E77777", Kind: park.AccessAllow, ValidFrom: t0, ValidTo: t0.AddDate(0, 1, 0)}); err != nil {
		t.Fatal(err)
	}
	// 京A11111 enters on its pass and takes its only space.
	wantDecision(t, b.Event(t, park.EventEntry, "京A11111", now.Add(-time.Hour)), park.DecisionOpen, park.ReasonPass, 0)
	for _, c := range []struct {
		plate               string
		pass, entry, inside bool
	}{
		{"京A11111", true, false, true},   // inside on the pass: holds its space
		{"京A22222", true, false, false},  // the pass's space is taken: would pay
		{"京N11111", true, false, false},  // night pass at 15:00: outside its slot
		{"京L11111", true, false, false},  // lapsed pass (PassValid false)
		{"京B66666", false, true, false},  // blacklisted: refused
		{"苏E77777", false, true, true},   // whitelisted
		{"粤B12345", false, false, false}, // unknown: a visitor
	} {
		ic, err := a.FindInternalCar(b.Ctx, "", b.Lot, c.plate)
		if err != nil || (ic.Pass != nil) != c.pass || (ic.Entry != nil) != c.entry || ic.Internal != c.inside {
			t.Fatalf("%s: %+v, %v; want pass %v entry %v internal %v", c.plate, ic, err, c.pass, c.entry, c.inside)
		}
		if c.plate == "京L11111" && ic.PassValid {
			t.Fatalf("lapsed pass read as valid: %+v", ic)
		}
	}
	_, err := a.FindInternalCar(b.Ctx, "", b.Lot, "no plate")
	wantField(t, err, park.EInvalid, "plate")
	_, err = a.FindInternalCar(b.Ctx, "", "nope", "京A11111")
	wantCode(t, err, park.ENotFound)
}

// TestSpecialEntryByAnyPath: a special vehicle's type is its entry's
// reason and decides its kind, however the entry is written: an operator's
// whitelist entry of category special is a police, ambulance or fire
// vehicle (let in) or a blacklisted one (kept out), as a partner's is.
func TestSpecialEntryByAnyPath(t *testing.T) {
	b := setup(t)
	a := b.Sys.Access
	entry := func(plate, kind, reason string) *park.WhitelistEntry {
		return &park.WhitelistEntry{Plate: plate, Kind: kind, Category: park.ListSpecial, Reason: reason,
			ValidFrom: t0, ValidTo: t0.AddDate(1, 0, 0)}
	}
	// Without a kind, the type gives it: a blacklisted car is refused.
	black, err := a.CreateWhitelist(b.Ctx, b.Lot, entry("京B66666", "", "blacklist"))
	if err != nil || black.Kind != park.AccessDeny {
		t.Fatalf("blacklist %+v, %v", black, err)
	}
	wantDecision(t, b.Event(t, park.EventEntry, "京B66666", b.Clock.Now()), park.DecisionHold, park.ReasonRefused, 0)
	if fire, err := a.CreateWhitelist(b.Ctx, b.Lot, entry("京F11911", "", "fire")); err != nil || fire.Kind != park.AccessAllow {
		t.Fatalf("fire %+v, %v", fire, err)
	}
	// A kind the type contradicts, or a type that is none, is refused.
	_, err = a.CreateWhitelist(b.Ctx, b.Lot, entry("京P11011", park.AccessDeny, "police"))
	wantField(t, err, park.EInvalid, "kind")
	_, err = a.CreateWhitelist(b.Ctx, b.Lot, entry("京V88888", park.AccessAllow, "blacklist"))
	wantField(t, err, park.EInvalid, "kind")
	_, err = a.CreateWhitelist(b.Ctx, b.Lot, entry("京C12345", "", "vip"))
	wantField(t, err, park.EInvalid, "reason")
	_, err = a.UpdateWhitelist(b.Ctx, b.Lot, black.ID, func(w *park.WhitelistEntry) error { w.Kind = park.AccessAllow; return nil })
	wantField(t, err, park.EInvalid, "kind")
	if got, err := a.ListEntries(b.Ctx, "", b.Lot, park.ListSpecial, ""); err != nil || len(got) != 2 {
		t.Fatalf("special vehicles %+v, %v", got, err)
	}
	// Another list keeps its own reasons.
	if _, err := a.CreateWhitelist(b.Ctx, b.Lot, &park.WhitelistEntry{Plate: "京C12345", Reason: "vip",
		ValidFrom: t0, ValidTo: t0.AddDate(1, 0, 0)}); err != nil {
		t.Fatal(err)
	}
}

// TestHotelEntryAllows: a hotel guest's car parks free while the guest
// stays, however its entry is written; an operator's hotel entry that
// refuses the car is no hotel car a partner could list or remove, so it
// is refused.
func TestHotelEntryAllows(t *testing.T) {
	b := setup(t)
	a := b.Sys.Access
	hotel := func(plate, kind string) *park.WhitelistEntry {
		return &park.WhitelistEntry{Plate: plate, Kind: kind, Category: park.ListHotel, Reason: "808",
			ValidFrom: t0, ValidTo: t0.AddDate(0, 0, 2)}
	}
	_, err := a.CreateWhitelist(b.Ctx, b.Lot, hotel("浙A66666", park.AccessDeny))
	wantField(t, err, park.EInvalid, "kind")
	w, err := a.CreateWhitelist(b.Ctx, b.Lot, hotel("浙A88888", ""))
	if err != nil || w.Kind != park.AccessAllow {
		t.Fatalf("hotel car %+v, %v", w, err)
	}
	_, err = a.UpdateWhitelist(b.Ctx, b.Lot, w.ID, func(w *park.WhitelistEntry) error { w.Kind = park.AccessDeny; return nil })
	wantField(t, err, park.EInvalid, "kind")
	if got, err := a.ListEntries(b.Ctx, "", b.Lot, park.ListHotel, ""); err != nil || len(got) != 1 || got[0].Kind != park.AccessAllow {
		t.Fatalf("hotel cars %+v, %v", got, err)
	}
}

// TestDenyEntry: an operator refuses a plate in a lot with a whitelist
// entry of kind deny; a window left open runs from 2000-01-01 to
// 2100-01-01, 00:00 in the lot's zone (Asia/Shanghai, UTC+8: 1999-12-31
// 16:00 and 2099-12-31 16:00 UTC). A plate with an entry already is a
// conflict; only a deny entry of the operator's lists is removed as one.
func TestDenyEntry(t *testing.T) {
	b := setup(t)
	a := b.Sys.Access
	w, err := a.CreateDenyEntry(b.Ctx, b.Lot, "京A12345", time.Time{}, time.Time{}, "unpaid fees")
	if err != nil {
		t.Fatal(err)
	}
	if w.Kind != park.AccessDeny || w.Category != park.ListWhite || w.Reason != "unpaid fees" ||
		!w.ValidFrom.Equal(time.Date(1999, 12, 31, 16, 0, 0, 0, time.UTC)) || !w.ValidTo.Equal(time.Date(2099, 12, 31, 16, 0, 0, 0, time.UTC)) {
		t.Fatalf("deny entry %+v", w)
	}
	wantDecision(t, b.Event(t, park.EventEntry, "京A12345", b.Clock.Now()), park.DecisionHold, park.ReasonRefused, 0)
	_, err = a.CreateDenyEntry(b.Ctx, b.Lot, "京A12345", t0, t0.AddDate(0, 0, 7), "")
	wantCode(t, err, park.EConflict)
	_, err = a.CreateDenyEntry(b.Ctx, b.Lot, "京B12345", t0, t0.Add(-time.Hour), "")
	wantField(t, err, park.EInvalid, "valid_to")
	_, err = a.CreateDenyEntry(b.Ctx, b.Lot, "", t0, t0.AddDate(0, 0, 7), "")
	wantField(t, err, park.EInvalid, "plate")
	// An allowing entry is not the deny list's to remove.
	allowed, err := a.PutListEntry(b.Ctx, "", b.Lot, &park.WhitelistEntry{Plate: "京C12345", Kind: park.AccessAllow,
		ValidFrom: t0, ValidTo: t0.AddDate(0, 1, 0)})
	if err != nil {
		t.Fatal(err)
	}
	wantCode(t, a.DeleteDenyEntry(b.Ctx, b.Lot, allowed.ID), park.ENotFound)
	if _, err := a.GetWhitelist(b.Ctx, b.Lot, allowed.ID); err != nil {
		t.Fatalf("the allowed plate's entry is gone: %v", err)
	}
	if err := a.DeleteDenyEntry(b.Ctx, b.Lot, w.ID); err != nil {
		t.Fatal(err)
	}
	_, err = a.GetWhitelist(b.Ctx, b.Lot, w.ID)
	wantCode(t, err, park.ENotFound)
}

// TestWhitelistChangesAudited: a whitelist entry created, changed and
// removed through the whitelist's own calls is in the audit log each time,
// the change with the entry before and after it.
func TestWhitelistChangesAudited(t *testing.T) {
	b := setup(t)
	a := b.Sys.Access
	ctx := park.WithActor(b.Ctx, "ana") // an operator's change; a partner's is not audited
	w, err := a.CreateWhitelist(ctx, b.Lot, &park.WhitelistEntry{Plate: "京D12345", Kind: park.AccessAllow,
		ValidFrom: t0, ValidTo: t0.AddDate(0, 1, 0), Reason: "staff"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.UpdateWhitelist(ctx, b.Lot, w.ID, func(w *park.WhitelistEntry) error {
		w.Reason = "contractor"
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if err := a.DeleteWhitelist(ctx, b.Lot, w.ID); err != nil {
		t.Fatal(err)
	}
	es, err := b.AuditLog(park.AuditFilter{Actor: "ana"})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range es {
		if e.Target == "京D12345" {
			got = append(got, e.Action)
			if e.Action == "whitelist.put" && e.Reason == "contractor" &&
				(!strings.Contains(e.Before, `"staff"`) || !strings.Contains(e.After, `"contractor"`)) {
				t.Errorf("the change's entry holds before %s, after %s", e.Before, e.After)
			}
		}
	}
	if strings.Join(got, " ") != "whitelist.delete whitelist.put whitelist.put" {
		t.Fatalf("audited %q, want the removal, the change and the creation, newest first", got)
	}
}
