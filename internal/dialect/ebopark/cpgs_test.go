package ebopark_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"parkd/internal/park"
	"parkd/internal/spaces"
)

// spaces is the state of every space of the fixture lot, to prove a refused
// request changed none.
func (e *env) spaces(t *testing.T) string {
	t.Helper()
	sps, err := e.svc.Spaces.ListSpaces(e.ctx, spaces.SpaceQuery{LotCode: lotCode, Limit: -1})
	if err != nil {
		t.Fatal(err)
	}
	j, _ := json.Marshal(sps)
	return string(j)
}

func (e *env) report(t *testing.T, rs ...spaces.SpaceReport) {
	t.Helper()
	if _, err := e.svc.Spaces.ReportSpaces(e.ctx, lotCode, rs); err != nil {
		t.Fatal(err)
	}
}

type garage struct {
	TotalSpaces     int `json:"totalSpaces"`
	OccupiedSpaces  int `json:"occupiedSpaces"`
	RemainingSpaces int `json:"remainingSpaces"`
	BySpace         bool
	Floors          []struct {
		Floor           string `json:"floor"`
		RemainingSpaces int    `json:"remainingSpaces"`
		Zones           []struct {
			Zone            string `json:"zone"`
			RemainingSpaces int    `json:"remainingSpaces"`
		} `json:"zones"`
	} `json:"floors"`
}

func (g garage) String() string {
	s := fmt.Sprintf("%d/%d/%d", g.TotalSpaces, g.OccupiedSpaces, g.RemainingSpaces)
	for _, f := range g.Floors {
		s += fmt.Sprintf(" %s:%d", f.Floor, f.RemainingSpaces)
		for _, z := range f.Zones {
			s += fmt.Sprintf(" %s%s:%d", f.Floor, z.Zone, z.RemainingSpaces)
		}
	}
	return s
}

type spacePage struct {
	Records []struct {
		SpaceNo    string `json:"spaceNo"`
		Status     int    `json:"status"`
		CarNo      string `json:"carNo"`
		StatusTime string `json:"statusTime"`
		Source     string `json:"source"`
	} `json:"records"`
	NextCursor string `json:"nextCursor"`
}

// TestSensorReportChangesStatusAndRemaining: a bay sensor's report is what
// QuerySpaceStatus and QueryGarageRemaining answer next.
func TestSensorReportChangesStatusAndRemaining(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var g garage
	result(t, wantState(t, e.call("QueryGarageRemaining", `{"ParkCode":"140123001"}`), 0, "成功"), &g)
	// 20 spaces, 4 occupied (B1-A-003, B1-B-004, F1-A-002, F1-A-005):
	// B1 14-2 = 12 free (A 8-1 = 7, B 6-1 = 5), F1 6-2 = 4.
	if got, want := g.String(), "20/4/16 B1:12 B1A:7 B1B:5 F1:4 F1A:4"; got != want {
		t.Fatalf("before: %s, want %s", got, want)
	}
	e.report(t, spaces.SpaceReport{Space: "B1-A-007", Occupied: true, At: now.Add(-time.Minute)},
		spaces.SpaceReport{Space: "F1-A-005", Occupied: false, At: now.Add(-time.Minute)})
	result(t, wantState(t, e.call("QueryGarageRemaining", `{"ParkCode":"140123001"}`), 0, "成功"), &g)
	// B1-A-007 taken (B1A 7-1 = 6), F1-A-005 freed (F1A 4+1 = 5).
	if got, want := g.String(), "20/4/16 B1:11 B1A:6 B1B:5 F1:5 F1A:5"; got != want {
		t.Fatalf("after: %s, want %s", got, want)
	}
	var page spacePage
	env := wantState(t, e.call("QuerySpaceStatus", `{"ParkCode":"140123001","Floor":"B1","Zone":"A","Cursor":"B1-A-006","PageSize":1}`), 0, "成功")
	result(t, env, &page)
	if len(page.Records) != 1 || page.Records[0].SpaceNo != "B1-A-007" || page.Records[0].Status != 1 ||
		page.Records[0].StatusTime != "2026-03-01 09:59:00" || page.Records[0].Source != "sensor" ||
		page.NextCursor != "B1-A-007" || env.Total != 1 {
		t.Fatalf("status %s", env.Result)
	}
	// The last page has no cursor.
	result(t, wantState(t, e.call("QuerySpaceStatus", `{"ParkCode":"140123001","Floor":"F1","PageSize":100}`), 0, "成功"), &page)
	if len(page.Records) != 6 || page.NextCursor != "" || page.Records[4].SpaceNo != "F1-A-005" || page.Records[4].Status != 0 {
		t.Fatalf("F1 %+v", page)
	}
	// A lot without spaces counts by its gates, as QueryRemainingSpaces.
	if _, err := e.svc.Spaces.ReplaceSpaces(e.ctx, lotCode, nil); err != nil {
		t.Fatal(err)
	}
	result(t, wantState(t, e.call("QueryGarageRemaining", `{"ParkCode":"140123001"}`), 0, "成功"), &g)
	// Capacity 500, the 3 fixture cars inside: 497 free.
	if got, want := g.String(), "500/3/497"; got != want || g.BySpace {
		t.Fatalf("without spaces: %s, want %s", got, want)
	}
}

type located struct {
	CarNo     string `json:"carNo"`
	EntryTime string `json:"entryTime"`
	Floor     string `json:"floor"`
	Zone      string `json:"zone"`
	SpaceNo   string `json:"spaceNo"`
	ParkTime  string `json:"parkTime"`
	MatchType string `json:"matchType"`
}

// TestCameraReportLocatesCar: a guidance camera that reads a plate makes
// QueryCarLocation find the car there; once the car leaves, it is not in
// the lot.
func TestCameraReportLocatesCar(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	// 苏E6X789 entered at 09:20 and no camera has seen it parked.
	wantState(t, e.call("QueryCarLocation", `{"ParkCode":"140123001","CarNo":"苏E6X789"}`), -1, "未找到 CarNo：车辆在场但尚未定位到车位")
	e.report(t, spaces.SpaceReport{Space: "B1-B-002", Occupied: true, Plate: "苏E6X789", At: now.Add(-30 * time.Minute)})
	var loc located
	result(t, wantState(t, e.call("QueryCarLocation", `{"ParkCode":"140123001","CarNo":"苏e6x789"}`), 0, "成功"), &loc)
	if loc != (located{CarNo: "苏E6X789", EntryTime: "2026-03-01 09:20:00", Floor: "B1", Zone: "B", SpaceNo: "B1-B-002",
		ParkTime: "2026-03-01 09:30:00"}) {
		t.Fatalf("located %+v", loc)
	}
	// 09:45 the bay's sensor says it is still occupied: parkTime stays when
	// the camera last saw the car there (09:30), not the sensor's report.
	e.report(t, spaces.SpaceReport{Space: "B1-B-002", Occupied: true, At: now.Add(-15 * time.Minute)})
	result(t, wantState(t, e.call("QueryCarLocation", `{"ParkCode":"140123001","CarNo":"苏E6X789"}`), 0, "成功"), &loc)
	if loc.SpaceNo != "B1-B-002" || loc.ParkTime != "2026-03-01 09:30:00" {
		t.Fatalf("after a sensor report %+v", loc)
	}
	// 沪B88888 (whitelisted) parks, is located, leaves: not in the lot, and
	// when it comes back its old space is not believed.
	e.event(t, park.EventEntry, "沪B88888", now.Add(-20*time.Minute))
	e.report(t, spaces.SpaceReport{Space: "F1-A-006", Occupied: true, Plate: "沪B88888", At: now.Add(-15 * time.Minute)})
	result(t, wantState(t, e.call("QueryCarLocation", `{"ParkCode":"140123001","CarNo":"沪B88888"}`), 0, "成功"), &loc)
	if loc.SpaceNo != "F1-A-006" || loc.EntryTime != "2026-03-01 09:40:00" {
		t.Fatalf("located %+v", loc)
	}
	if d := e.event(t, park.EventExit, "沪B88888", now.Add(-5*time.Minute)); d.Decision != park.DecisionOpen {
		t.Fatalf("exit %+v", d)
	}
	wantState(t, e.call("QueryCarLocation", `{"ParkCode":"140123001","CarNo":"沪B88888"}`), -1, "未找到 CarNo：车辆不在场内")
	e.event(t, park.EventEntry, "沪B88888", now)
	wantState(t, e.call("QueryCarLocation", `{"ParkCode":"140123001","CarNo":"沪B88888"}`), -1, "未找到 CarNo：车辆在场但尚未定位到车位")
}

func (e *env) fuzzy(t *testing.T, body string) string {
	t.Helper()
	env := wantState(t, e.call("FuzzyQueryPlate", body), 0, "成功")
	var cands []located
	result(t, env, &cands)
	if env.Total != len(cands) {
		t.Fatalf("total %d for %d candidates", env.Total, len(cands))
	}
	var out []string
	for _, c := range cands {
		out = append(out, c.CarNo+":"+c.MatchType+"@"+c.SpaceNo)
	}
	return strings.Join(out, " ")
}

// TestFuzzyQueryPlateFindsMisreadPlates: a plate misread as 粤B1234S is
// found as 粤B12345 with its space; what a driver remembers (the end of
// the plate) finds it too; a car that left is no longer found.
func TestFuzzyQueryPlateFindsMisreadPlates(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	// S and 5 are one confusion class.
	if got, want := e.fuzzy(t, `{"ParkCode":"140123001","CarNo":"粤B1234S"}`), "粤B12345:confusable@B1-A-003"; got != want {
		t.Fatalf("misread: %s, want %s", got, want)
	}
	// One character missing (粤B1245), one wrong (粤B12845: 8 for 3).
	for _, q := range []string{"粤B1245", "粤B12845"} {
		if got, want := e.fuzzy(t, `{"ParkCode":"140123001","CarNo":"`+q+`"}`), "粤B12345:one_char@B1-A-003"; got != want {
			t.Fatalf("%s: %s, want %s", q, got, want)
		}
	}
	// The last four characters; both 粤B12345 and 京A12345 end so, the
	// later entry (京A12345 at 08:00, 粤B12345 at 07:00) first.
	if got, want := e.fuzzy(t, `{"ParkCode":"140123001","CarNo":"2345"}`), "京A12345:suffix@F1-A-002 粤B12345:suffix@B1-A-003"; got != want {
		t.Fatalf("suffix: %s, want %s", got, want)
	}
	if got, want := e.fuzzy(t, `{"ParkCode":"140123001","CarNo":"2345","Limit":1}`), "京A12345:suffix@F1-A-002"; got != want {
		t.Fatalf("limit: %s, want %s", got, want)
	}
	if got := e.fuzzy(t, `{"ParkCode":"140123001","CarNo":"9999"}`); got != "" {
		t.Fatalf("no match: %s", got)
	}
	// 苏E6X789 (inside, unplaced) is found by its end; removed from the lot
	// (DeleteInParkCar), it is no longer found.
	if got := e.fuzzy(t, `{"ParkCode":"140123001","CarNo":"6X789"}`); got != "苏E6X789:suffix@" {
		t.Fatalf("before it left: %s", got)
	}
	wantState(t, e.call("DeleteInParkCar", `{"ParkCode":"140123001","CarNo":"苏E6X789"}`), 0, "成功")
	if got := e.fuzzy(t, `{"ParkCode":"140123001","CarNo":"6X789"}`); got != "" {
		t.Fatalf("left car found: %s", got)
	}
}

// TestCPGSBadInput: each refusal is a specific state -1 desc and changes
// nothing.
func TestCPGSBadInput(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	before, spaces := e.snapshot(t), e.spaces(t)
	for _, c := range []struct{ op, body, desc string }{
		{"QuerySpaceStatus", `{}`, "缺少参数 ParkCode"},
		{"QuerySpaceStatus", `{"ParkCode":"140123002"}`, "无权操作该车场"},
		{"QuerySpaceStatus", `{"ParkCode":"140123001","PageSize":0}`, "参数类型错误 PageSize"},
		{"QuerySpaceStatus", `{"ParkCode":"140123001","Floor":1}`, "参数类型错误 Floor"},
		{"FuzzyQueryPlate", `{"ParkCode":"140123001"}`, "缺少参数 CarNo"},
		{"FuzzyQueryPlate", `{"ParkCode":"140123001","CarNo":"123"}`, "车牌号格式错误 CarNo：应为完整车牌或车牌的至少后4位"},
		{"FuzzyQueryPlate", `{"ParkCode":"140123001","CarNo":"12#45"}`, "车牌号格式错误"},
		{"FuzzyQueryPlate", `{"ParkCode":"140123001","CarNo":12345}`, "参数类型错误 CarNo"},
		{"FuzzyQueryPlate", `{"ParkCode":"140123001","CarNo":"2345","Limit":101}`, "参数错误 Limit：应为1-100的整数"},
		{"FuzzyQueryPlate", `{"ParkCode":"nope","CarNo":"2345"}`, "无权操作该车场"},
		{"QueryCarLocation", `{"ParkCode":"140123001"}`, "缺少参数 CarNo"},
		{"QueryCarLocation", `{"ParkCode":"140123001","CarNo":"粤B1234"}`, "车牌号格式错误"},
		{"QueryCarLocation", `{"ParkCode":"140123001","CarNo":"粤B99999"}`, "未找到 CarNo：车辆不在场内"},
		{"QueryCarLocation", `{"ParkCode":"140123002","CarNo":"粤B12345"}`, "无权操作该车场"},
		{"QueryGarageRemaining", `{}`, "缺少参数 ParkCode"},
		{"QueryGarageRemaining", `{"ParkCode":["140123001"]}`, "参数类型错误 ParkCode"},
		{"QueryGarageRemaining", `[]`, "请求体不是JSON对象"},
	} {
		wantState(t, e.call(c.op, c.body), -1, c.desc)
		if e.snapshot(t) != before || e.spaces(t) != spaces {
			t.Fatalf("refused %s %s changed data", c.op, c.body)
		}
	}
}

// FuzzCPGSRequest sends arbitrary bodies to the CPGS operations: the
// answer is always HTTP 200 with an envelope.
func FuzzCPGSRequest(f *testing.F) {
	e := newEnv(f)
	for _, s := range []string{`{"ParkCode":"140123001","CarNo":"粤B1234S","Limit":3}`, `{"ParkCode":"140123001","Floor":"B1","Zone":"A","PageSize":2,"Cursor":"B1"}`,
		`{"ParkCode":"140123001","CarNo":"２３４５"}`, `{"ParkCode":"140123001","CarNo":"\u0000\u0000\u0000\u0000"}`, `{"ParkCode":"140123001","CarNo":"临7KQ2M9X"}`,
		`{"ParkCode":"140123001","Limit":1e400}`, `{}`, `null`, ``} {
		for op := range 4 {
			f.Add(uint8(op), s)
		}
	}
	ops := []string{"QuerySpaceStatus", "FuzzyQueryPlate", "QueryCarLocation", "QueryGarageRemaining"}
	f.Fuzz(func(t *testing.T, op uint8, body string) {
		r := e.call(ops[int(op)%len(ops)], body)
		var env envelope
		if r.status != 200 || json.Unmarshal(r.body, &env) != nil || env.State == nil {
			t.Fatalf("%q: HTTP %d %s", body, r.status, r.body)
		}
	})
}
