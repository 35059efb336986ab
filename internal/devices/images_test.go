package devices_test

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"parkd/internal/devices"
	"parkd/internal/park"
	"parkd/internal/systemtest"
)

// TestImageType: a picture is served as the picture type it is; anything
// else a device sends (an SVG or XHTML page, which a browser would run on
// parkd's origin) is kept as bytes to download, never as a document.
func TestImageType(t *testing.T) {
	b := setup(t)
	b.register(t, "cam-in", "in-1")
	const xhtml = `<html xmlns="http://www.w3.org/1999/xhtml"><script>alert(1)</script></html>`
	for i, c := range []struct {
		name, data, declared, want string
	}{
		{"JPEG", "\xff\xd8\xff\xe0 a jpeg \xff\xd9", "image/jpeg", "image/jpeg"},
		{"PNGDeclared", "bytes that name no type", "image/png", "image/png"},
		{"Sniffed", "\xff\xd8\xff\xe0 a jpeg \xff\xd9", "", "image/jpeg"},
		{"SVG", xhtml, "image/svg+xml", "application/octet-stream"},
		{"XHTMLSniffed", xhtml, "", "application/octet-stream"},
		{"HTMLDeclared", "<p>hi</p>", "text/html", "application/octet-stream"},
	} {
		t.Run(c.name, func(t *testing.T) {
			record := string(rune('a' + i))
			if _, err := b.dev.Read(b.Ctx, devices.Read{Serial: "cam-in", Protocol: proto, RecordID: record,
				Plate: "京A1234" + string(rune('0'+i)), Image: []byte(c.data), ImageType: c.declared}); err != nil {
				t.Fatal(err)
			}
			var ev *park.Event
			if err := b.Store.View(b.Ctx, func(tx park.Tx) (err error) {
				ev, err = tx.GetEvent(b.Ctx, b.Lot, "dev:cam-in:"+record)
				return
			}); err != nil {
				t.Fatal(err)
			}
			id, _ := strings.CutPrefix(ev.ImageURL, devices.ImagePath)
			for n := 0; ; n++ {
				im, err := b.dev.Image(b.Ctx, id)
				if err == nil {
					if im.ContentType != c.want {
						t.Fatalf("kept as %s, want %s", im.ContentType, c.want)
					}
					return
				}
				if n == 200 {
					t.Fatalf("the picture was never kept: %v", err)
				}
				time.Sleep(25 * time.Millisecond)
			}
		})
	}
}

// imageCounter is a store that notes the event of each picture written.
type imageCounter struct {
	park.Store
	mu     sync.Mutex
	events []string
}

func (c *imageCounter) Update(ctx context.Context, fn func(park.Tx) error) error {
	return c.Store.Update(ctx, func(tx park.Tx) error { return fn(imageCounterTx{tx, c}) })
}

type imageCounterTx struct {
	park.Tx
	c *imageCounter
}

func (t imageCounterTx) PutImage(ctx context.Context, im *park.Image) error {
	t.c.mu.Lock()
	t.c.events = append(t.c.events, im.EventID)
	t.c.mu.Unlock()
	return t.Tx.PutImage(ctx, im)
}

// TestImageOfRefusedRead: a picture is kept for the operator beside the
// read it shows. A read the gate refuses is recorded nowhere, so nothing
// could ever show its picture: it is not kept (a camera sending garbage
// would otherwise fill the database, 1 MiB a push); nor is a retried
// push's copy of the picture the first push already kept.
func TestImageOfRefusedRead(t *testing.T) {
	b, c := countingImages(t)
	pic := []byte("\xff\xd8\xff\xe0 a jpeg \xff\xd9")
	refused, err := b.dev.Read(b.Ctx, devices.Read{Serial: "cam-in", Protocol: proto, RecordID: "1", Plate: "??????", Image: pic})
	if err != nil || refused.Open || refused.Problem == "" {
		t.Fatalf("%+v %v: want the read refused", refused, err)
	}
	for range 2 { // the push and its retry
		if ans, err := b.dev.Read(b.Ctx, devices.Read{Serial: "cam-in", Protocol: proto, RecordID: "2", Plate: "京A12345", Image: pic}); err != nil || !ans.Open {
			t.Fatalf("%+v %v: want open", ans, err)
		}
	}
	if _, err := b.dev.Read(b.Ctx, devices.Read{Serial: "cam-in", Protocol: proto, RecordID: "3", Plate: "京B12345", Image: pic}); err != nil {
		t.Fatal(err)
	}
	var ev *park.Event
	if err := b.Store.View(b.Ctx, func(tx park.Tx) (err error) { ev, err = tx.GetEvent(b.Ctx, b.Lot, "dev:cam-in:3"); return }); err != nil {
		t.Fatal(err)
	}
	id, _ := strings.CutPrefix(ev.ImageURL, devices.ImagePath)
	for n := 0; ; n++ {
		if _, err := b.dev.Image(b.Ctx, id); err == nil {
			break
		} else if n == 1200 {
			t.Fatalf("the last read's picture was never kept: %v", err)
		}
		time.Sleep(25 * time.Millisecond)
	}
	c.mu.Lock()
	got := slices.Clone(c.events)
	c.mu.Unlock()
	slices.Sort(got)
	if want := []string{"dev:cam-in:2", "dev:cam-in:3"}; !slices.Equal(got, want) {
		t.Fatalf("pictures kept for %q, want one each for %q", got, want)
	}
}

// TestImageOfPlatelessRecord: an offline record of a car whose plate was
// not read keeps its picture, as a read with a plate does: the operator
// squaring the lot's count finds it through the plateless_record
// anomaly, whose image_url is where it is served. Sent again (a lost
// reply), the record is one anomaly and one picture.
func TestImageOfPlatelessRecord(t *testing.T) {
	b, c := countingImages(t)
	pic := []byte("\xff\xd8\xff\xe0 a plate-less car \xff\xd9")
	passed := b.Clock.Now().Add(-20 * time.Minute)
	for range 2 {
		ans, err := b.dev.Read(b.Ctx, devices.Read{Serial: "cam-in", Protocol: proto, RecordID: "230", Offline: true,
			At: passed, Image: pic, ImageType: "image/jpeg"})
		if err != nil || !ans.Recorded {
			t.Fatalf("%+v %v: want the plate-less record kept", ans, err)
		}
	}
	as, err := b.Sys.Gate.ListAnomalies(b.Ctx, b.Lot, 10)
	if err != nil || len(as) != 1 || as[0].Kind != park.AnomalyPlatelessRecord {
		t.Fatalf("%+v %v: want one plateless_record", as, err)
	}
	id, ok := strings.CutPrefix(as[0].ImageURL, devices.ImagePath)
	if !ok || id == "" {
		t.Fatalf("anomaly %+v names no picture", as[0])
	}
	for n := 0; ; n++ {
		im, err := b.dev.Image(b.Ctx, id)
		if err == nil {
			if string(im.Data) != string(pic) || im.ContentType != "image/jpeg" || im.EventID != "dev:cam-in:230" {
				t.Fatalf("kept %q %s for %s, want the record's picture", im.Data, im.ContentType, im.EventID)
			}
			break
		}
		if n == 1200 {
			t.Fatalf("the plate-less record's picture was never kept: %v", err)
		}
		time.Sleep(25 * time.Millisecond)
	}
	c.mu.Lock()
	got := slices.Clone(c.events)
	c.mu.Unlock()
	if want := []string{"dev:cam-in:230"}; !slices.Equal(got, want) {
		t.Fatalf("pictures kept for %q, want one for %q", got, want)
	}
}

// countingImages is a system whose store counts the pictures kept, with
// the camera cam-in registered to lane in-1.
func countingImages(t *testing.T) (*bundle, *imageCounter) {
	c := &imageCounter{}
	sb := systemtest.NewWith(t, systemtest.Options{DeviceProtocols: []string{proto},
		WrapStore: func(s park.Store) park.Store { c.Store = s; return c }})
	b := &bundle{sb, sb.Sys.Devices}
	b.register(t, "cam-in", "in-1")
	return b, c
}
