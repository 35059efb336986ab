package ebopark_test

import (
	"strings"
	"testing"

	"parkd/internal/gate"
	"parkd/internal/park"
)

// cursorRefused is the reply to a Cursor parkd could never have given.
const cursorRefused = `{"state":-1,"total":0,"desc":"参数错误 Cursor：应为上一页返回的 nextCursor，首页不传"}`

// TestCursors: a Cursor that parkd could not have given is refused naming
// Cursor, instead of reading as an empty last page; one naming a car that
// has since left, or a space code no longer there, continues after its
// place in the order.
func TestCursors(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	// A stay of another lot: an id, but never a cursor of 140123001.
	d, err := e.svc.Gate.HandleEvent(e.ctx, gate.EventInput{LotCode: otherLot, ID: "cursor-other", Type: park.EventEntry,
		Plate: "鲁Q12345", Lane: "in-1", At: now})
	if err != nil {
		t.Fatal(err)
	}
	refused := []struct{ name, op, body, key string }{
		{"InParkCarsMalformed", "QueryInParkCars", `{"ParkCode":"140123001","Cursor":"nope"}`, "carNo"},
		{"InParkCarsNeverGiven", "QueryInParkCars", `{"ParkCode":"140123001","Cursor":"0195f3a0-0000-7000-8000-000000000000"}`, "carNo"},
		{"InParkCarsOtherLot", "QueryInParkCars", `{"ParkCode":"140123001","Cursor":"` + d.StayID + `"}`, "carNo"},
		{"SpacesMalformed", "QuerySpaceStatus", `{"ParkCode":"140123001","Cursor":"B1 A 001"}`, "spaceNo"},
		{"SpacesNotACode", "QuerySpaceStatus", `{"ParkCode":"140123001","Cursor":"车位1"}`, "spaceNo"},
	}
	for _, c := range refused {
		t.Run(c.name, func(t *testing.T) {
			before := e.pages(t, c.op, `{"ParkCode":"140123001","PageSize":1000}`, c.key)
			r := e.call(c.op, c.body)
			if got := strings.TrimSpace(string(r.body)); r.status != 200 || got != cursorRefused {
				t.Fatalf("HTTP %d %s\nwant %s", r.status, got, cursorRefused)
			}
			if after := e.pages(t, c.op, `{"ParkCode":"140123001","PageSize":1000}`, c.key); after != before {
				t.Fatalf("refused cursor changed the list: %s, was %s", after, before)
			}
		})
	}
	t.Run("SpaceCodeNeverGiven", func(t *testing.T) {
		// No space B1-A-0035: the page holds the spaces whose codes sort
		// after it, B1-A-004 and B1-A-005, and B1-A-006..008 follow.
		env := wantState(t, e.call("QuerySpaceStatus", `{"ParkCode":"140123001","Floor":"B1","Zone":"A","PageSize":2,"Cursor":"B1-A-0035"}`), 0, "成功")
		var res struct {
			Records []struct {
				SpaceNo string `json:"spaceNo"`
			} `json:"records"`
			NextCursor string `json:"nextCursor"`
		}
		result(t, env, &res)
		if env.Desc != "成功" || env.Total != 2 || len(res.Records) != 2 || res.Records[0].SpaceNo != "B1-A-004" ||
			res.Records[1].SpaceNo != "B1-A-005" || res.NextCursor != "B1-A-005" {
			t.Fatalf("desc %q total %d: %s", env.Desc, env.Total, env.Result)
		}
	})
}

// TestCursorOfCarThatLeft: the car a cursor names leaves before the next
// page is read; the next page still holds the cars after it.
func TestCursorOfCarThatLeft(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	// In entry order 粤B12345 苏E6X789 京A12345 沪B88888; three a page, the
	// cursor is 京A12345's stay, and 京A12345 (a pass holder) drives out.
	e.event(t, park.EventEntry, whitePlate, now)
	cursor := e.firstPageLast(t, `{"ParkCode":"140123001","PageSize":3}`)
	e.event(t, park.EventExit, passPlate, now)
	if got := e.pages(t, "QueryInParkCars", `{"ParkCode":"140123001"}`, "carNo"); got != "粤B12345 苏E6X789 沪B88888 | next " {
		t.Fatalf("京A12345 did not leave: %s", got)
	}
	env := wantState(t, e.call("QueryInParkCars", `{"ParkCode":"140123001","PageSize":3,"Cursor":"`+cursor+`"}`), 0, "成功")
	var res struct {
		Records []struct {
			CarNo string `json:"carNo"`
		} `json:"records"`
		NextCursor string `json:"nextCursor"`
	}
	result(t, env, &res)
	if env.Total != 1 || len(res.Records) != 1 || res.Records[0].CarNo != whitePlate || res.NextCursor != "" {
		t.Fatalf("total %d: %s, want 沪B88888 alone and no nextCursor", env.Total, env.Result)
	}
}
