package devices_test

import (
	"testing"
	"time"

	"parkd/internal/devices"
	"parkd/internal/park"
)

// TestListChanges: a pass created and an allow entry deleted become
// what the lot's cameras are to do (hold the pass's plate with its
// validity, drop the entry's plate); once done they are not asked again;
// with no camera protocol taking them, a sweep leaves them for a node
// that has one, and forgets them once no node took them for a day.
func TestListChanges(t *testing.T) {
	b := setup(t)
	now := b.Clock.Now()
	if _, err := b.Sys.Access.CreatePass(b.Ctx, "", b.Lot, &park.Pass{HolderName: "Li", Plates: []string{"京A11111"}, Spaces: 1,
		ValidFrom: now, ValidTo: now.Add(24 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	w, err := b.Sys.Access.CreateWhitelist(b.Ctx, b.Lot, &park.WhitelistEntry{Plate: "京A22222", Kind: park.AccessAllow,
		Reason: "staff", ValidFrom: now, ValidTo: now.Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Sys.Access.DeleteWhitelist(b.Ctx, b.Lot, w.ID); err != nil {
		t.Fatal(err)
	}
	cs, err := b.dev.ListChanges(b.Ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 1 || cs[0].Lot != b.Lot || len(cs[0].Add) != 1 || cs[0].Add[0].Plate != "京A11111" ||
		!cs[0].Add[0].To.Equal(now.Add(24*time.Hour)) || len(cs[0].Remove) != 1 || cs[0].Remove[0] != "京A22222" {
		t.Fatalf("changes %+v: want 京A11111 held for a day, 京A22222 dropped", cs)
	}
	if err := b.dev.ListChangeDone(b.Ctx, cs[0]); err != nil {
		t.Fatal(err)
	}
	if cs, err := b.dev.ListChanges(b.Ctx); err != nil || len(cs) != 0 {
		t.Fatalf("changes %+v, %v after done: want none", cs, err)
	}

	if _, err := b.Sys.Access.CreatePass(b.Ctx, "", b.Lot, &park.Pass{HolderName: "Wang", Plates: []string{"京A33333"}, Spaces: 1,
		ValidFrom: now, ValidTo: now.Add(24 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	// A node without a camera protocol taking them (no --mqtt) sweeps
	// while another node, with one, has yet to pass the change on: the
	// change is still there for that node.
	if err := b.dev.Sweep(b.Ctx); err != nil {
		t.Fatal(err)
	}
	if cs, err := b.dev.ListChanges(b.Ctx); err != nil || len(cs) != 1 || len(cs[0].Add) != 1 || cs[0].Add[0].Plate != "京A33333" {
		t.Fatalf("changes %+v, %v after a sweep of a node without cameras: want 京A33333 still to be passed on", cs, err)
	}
	// Taken by no node for longer than they are kept: forgotten.
	b.Clock.Set(now.Add(devices.ListChangesKept + time.Second))
	if err := b.dev.Sweep(b.Ctx); err != nil {
		t.Fatal(err)
	}
	if cs, err := b.dev.ListChanges(b.Ctx); err != nil || len(cs) != 0 {
		t.Fatalf("changes %+v, %v after a sweep with no camera protocol taking them: want none", cs, err)
	}
}

// TestOfflineListDenyWins: a plate that holds a pass but is refused by a
// deny entry is not let through by a camera on its own while the refusal
// holds, as the gate holds it (docs/rules.md, entry step 3). Refused now
// until tomorrow: the camera holds the plate from the refusal's end to
// the pass's. Refused from tomorrow: the camera holds it until then.
// Blacklisting it is a change the cameras are told at once.
func TestOfflineListDenyWins(t *testing.T) {
	b := setup(t)
	now := b.Clock.Now()
	day := 24 * time.Hour
	for _, pl := range []string{"京A11111", "京A22222", "京A33333"} {
		if _, err := b.Sys.Access.CreatePass(b.Ctx, "", b.Lot, &park.Pass{HolderName: "Li", Plates: []string{pl},
			ValidFrom: now.Add(-day), ValidTo: now.Add(30 * day)}); err != nil {
			t.Fatal(err)
		}
	}
	cs, err := b.dev.ListChanges(b.Ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.dev.ListChangeDone(b.Ctx, cs[0]); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Sys.Access.CreateDenyEntry(b.Ctx, b.Lot, "京A11111", now.Add(-time.Hour), now.Add(day), "unpaid fees"); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Sys.Access.CreateDenyEntry(b.Ctx, b.Lot, "京A22222", now.Add(day), now.Add(2*day), "unpaid fees"); err != nil {
		t.Fatal(err)
	}
	allowed, _, err := b.dev.OfflineList(b.Ctx, b.Lot)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][2]time.Time{
		"京A11111": {now.Add(day), now.Add(30 * day)},  // from the refusal's end
		"京A22222": {now.Add(-day), now.Add(day)},      // until the refusal starts
		"京A33333": {now.Add(-day), now.Add(30 * day)}, // not refused
	}
	if len(allowed) != len(want) {
		t.Fatalf("offline list %+v: want one record for each of %v", allowed, want)
	}
	for _, a := range allowed {
		if w, ok := want[a.Plate]; !ok || !a.From.Equal(w[0]) || !a.To.Equal(w[1]) {
			t.Fatalf("offline list %+v: want %v", allowed, want)
		}
	}
	cs, err = b.dev.ListChanges(b.Ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 1 || len(cs[0].Remove) != 0 || len(cs[0].Add) != 2 ||
		cs[0].Add[0].Plate != "京A11111" || !cs[0].Add[0].From.Equal(now.Add(day)) ||
		cs[0].Add[1].Plate != "京A22222" || !cs[0].Add[1].To.Equal(now.Add(day)) {
		t.Fatalf("changes %+v: want 京A11111 held from tomorrow, 京A22222 until tomorrow", cs)
	}
}
