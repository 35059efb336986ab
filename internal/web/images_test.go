package web_test

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"parkd/internal/gate"
	"parkd/internal/park"
)

// TestCameraPicture: a picture parkd kept (an event's image_url under
// /v1/images/, which needs the admin token) shows on the lanes page
// through the console, to operators who may see its lot only.
func TestCameraPicture(t *testing.T) {
	s := newSite(t)
	s.user(t, "op", park.RoleLotOperator, s.Lot)
	s.CreateLot(t, "OTHER", 5, park.MissedEntryHold)
	s.user(t, "other", park.RoleLotOperator, "OTHER")
	jpeg := []byte("\xff\xd8\xff\xe0 a picture")
	im := &park.Image{ID: "img-1", LotCode: s.Lot, EventID: "pic-1", ContentType: "image/jpeg", Data: jpeg, CreatedAt: s.Clock.Now()}
	if err := s.Store.Update(s.Ctx, func(tx park.Tx) error { return tx.PutImage(s.Ctx, im) }); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Sys.Gate.HandleEvent(s.Ctx, gate.EventInput{LotCode: s.Lot, ID: "pic-1", Type: park.EventEntry,
		Plate: "沪A12345", Lane: "in-1", At: s.Clock.Now(), ImageURL: "/v1/images/img-1"}); err != nil {
		t.Fatal(err)
	}
	op := s.browser(t)
	op.mustLogin("op")
	_, body, _ := op.get("/console/lots/" + s.Lot + "/lanes")
	if !strings.Contains(body, `<img class="shot" src="/console/images/img-1"`) {
		t.Fatalf("the lanes page does not load the kept picture through the console:\n%s", body)
	}
	resp, err := op.c.Get(s.srv.URL + "/console/images/img-1")
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "image/jpeg" || string(got) != string(jpeg) {
		t.Fatalf("picture: %d %q %q", resp.StatusCode, resp.Header.Get("Content-Type"), got)
	}
	o := s.browser(t)
	o.mustLogin("other")
	if st, _, _ := o.get("/console/images/img-1"); st != http.StatusNotFound {
		t.Fatalf("another lot's operator read the picture: %d, want 404", st)
	}
}

// TestStayPictures: the stay's page shows the pictures its lanes' cameras
// took of the car, entering and leaving, each a link to the picture
// itself; another car's picture taken at the same moment is not its.
func TestStayPictures(t *testing.T) {
	s := newSite(t)
	s.user(t, "op", park.RoleLotOperator, s.Lot)
	event := func(id, typ, plate, img string) park.Decision {
		t.Helper()
		im := &park.Image{ID: img, LotCode: s.Lot, EventID: id, ContentType: "image/jpeg", Data: []byte("\xff\xd8\xff\xe0 " + id), CreatedAt: s.Clock.Now()}
		if err := s.Store.Update(s.Ctx, func(tx park.Tx) error { return tx.PutImage(s.Ctx, im) }); err != nil {
			t.Fatal(err)
		}
		lane := "in-1"
		if typ == park.EventExit {
			lane = "out-1"
		}
		d, err := s.Sys.Gate.HandleEvent(s.Ctx, gate.EventInput{LotCode: s.Lot, ID: id, Type: typ,
			Plate: plate, Lane: lane, At: s.Clock.Now(), ImageURL: "/v1/images/" + img})
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	entry := event("e-1", park.EventEntry, "沪A12345", "img-in")
	event("e-2", park.EventEntry, "沪B54321", "img-other")
	s.Clock.Set(s.Clock.Now().Add(10 * time.Minute))
	event("e-3", park.EventExit, "沪A12345", "img-out")
	op := s.browser(t)
	op.mustLogin("op")
	_, body, _ := op.get("/console/stays/" + entry.StayID)
	for _, img := range []string{"img-in", "img-out"} {
		if !strings.Contains(body, `<a href="/console/images/`+img+`"`) {
			t.Errorf("the stay's page has no link to its picture %s:\n%s", img, body)
		}
	}
	if strings.Contains(body, "img-other") {
		t.Errorf("the stay's page shows another car's picture:\n%s", body)
	}
}
