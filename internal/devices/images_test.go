package devices_test

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"parkd/internal/devices"
	"parkd/internal/park"
	"parkd/internal/systemtest"
	"parkd/internal/testutil"
)

// Tiny pictures, built by hand from each format's first bytes: what a
// camera sends, and what parkd sniffs.
var (
	// A JPEG: SOI (FF D8), an APP0 JFIF segment, EOI (FF D9).
	tinyJPEG = "\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
	// A PNG: its 8-byte signature, then the IHDR chunk of a 1x1 image
	// (length 13, width 1, height 1, depth 8, colour type 2) and its CRC.
	tinyPNG = "\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90\x77\x53\xde"
	// A BMP: "BM", the file size (30), reserved, the pixel offset (26).
	tinyBMP = "BM\x1e\x00\x00\x00\x00\x00\x00\x00\x1a\x00\x00\x00\x0c\x00\x00\x00\x01\x00\x01\x00\x01\x00\x18\x00\x00\x00\xff\x00"
)

// TestImageType: a picture is kept as the type its bytes are, whatever
// the device says it is (a Vzenith camera's pictures were all kept as
// JPEG, a PNG included, and served so); bytes that are no picture (text,
// an SVG or XHTML page, which a browser would run on parkd's origin) are
// not kept at all, while the read goes through as without a picture.
func TestImageType(t *testing.T) {
	logs := &testutil.Buffer{}
	sb := systemtest.NewWith(t, systemtest.Options{DeviceProtocols: []string{proto}, Log: slog.New(slog.NewJSONHandler(logs, nil))})
	b := &bundle{sb, sb.Sys.Devices}
	b.register(t, "cam-in", "in-1")
	const xhtml = `<html xmlns="http://www.w3.org/1999/xhtml"><script>alert(1)</script></html>`
	const svg = `<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`
	// read sends a read with data as its picture; the event it became.
	read := func(t *testing.T, record, plate, data string) *park.Event {
		t.Helper()
		ans, err := b.dev.Read(b.Ctx, devices.Read{Serial: "cam-in", Protocol: proto, RecordID: record, Plate: plate, Image: []byte(data)})
		if err != nil || !ans.Open {
			t.Fatalf("%+v %v: want the read to open, picture or not", ans, err)
		}
		var ev *park.Event
		if err := b.Store.View(b.Ctx, func(tx park.Tx) (err error) {
			ev, err = tx.GetEvent(b.Ctx, b.Lot, "dev:cam-in:"+record)
			return
		}); err != nil {
			t.Fatal(err)
		}
		return ev
	}
	for _, c := range []struct{ name, data, want string }{
		{"JPEG", tinyJPEG, "image/jpeg"},
		{"PNG", tinyPNG, "image/png"},
		{"BMP", tinyBMP, "image/bmp"},
	} {
		ev := read(t, c.name, "京A1234"+c.name[:1], c.data)
		id, ok := strings.CutPrefix(ev.ImageURL, devices.ImagePath)
		if !ok {
			t.Fatalf("%s: image_url %q, want the kept picture", c.name, ev.ImageURL)
		}
		for n := 0; ; n++ {
			im, err := b.dev.Image(b.Ctx, id)
			if err == nil {
				if im.ContentType != c.want || string(im.Data) != c.data {
					t.Fatalf("%s: kept as %s, want %s, its bytes", c.name, im.ContentType, c.want)
				}
				break
			}
			if n == 200 {
				t.Fatalf("%s: the picture was never kept: %v", c.name, err)
			}
			time.Sleep(25 * time.Millisecond)
		}
	}
	const notKept = "camera picture not kept: not a picture"
	// Three reads whose "pictures" are not: none is kept, one line says so.
	for i, data := range []string{"bytes that name no type", xhtml, svg} {
		if ev := read(t, fmt.Sprint("text-", i), fmt.Sprint("京B1234", i), data); ev.ImageURL != "" {
			t.Fatalf("%.20q kept as a picture at %s", data, ev.ImageURL)
		}
	}
	if w := logs.Records("WARN", notKept); len(w) != 1 || w[0]["serial"] != "cam-in" {
		t.Fatalf("logged %v, want one warning naming the camera for three reads", w)
	}
	// A picture again, then a non-picture: a new run, told again.
	if ev := read(t, "again", "京C12340", tinyJPEG); ev.ImageURL == "" {
		t.Fatal("a JPEG after text was not kept")
	}
	read(t, "text-again", "京C12341", "still not a picture")
	if w := logs.Records("WARN", notKept); len(w) != 2 {
		t.Fatalf("logged %d warnings, want a second once pictures failed again", len(w))
	}

	// A picture kept before its type was read from its bytes (as JPEG,
	// though a PNG) is served as what it is.
	old := &park.Image{ID: "im-old", LotCode: b.Lot, EventID: "dev:cam-in:JPEG", ContentType: "image/jpeg", Data: []byte(tinyPNG), CreatedAt: b.Clock.Now()}
	if err := b.Store.Update(b.Ctx, func(tx park.Tx) error { return tx.PutImage(b.Ctx, old) }); err != nil {
		t.Fatal(err)
	}
	if im, err := b.dev.Image(b.Ctx, "im-old"); err != nil || im.ContentType != "image/png" {
		t.Fatalf("%v: served a PNG kept as JPEG as %v, want image/png", err, im)
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
			At: passed, Image: pic})
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

// A camera sending bytes that are no picture sends them with every read:
// a warning at its first, then a count, and one info line, with the
// count, once it sends a picture again. Another camera's run is its own.
//
// By hand: cam-in sends 3 non-pictures, cam-out 2: 2 warnings, one each.
// cam-in sends a JPEG: 1 info line, cam-in, 3 failed; a second JPEG
// adds none. cam-out sends a third non-picture (no new warning: 2), then
// a JPEG: a second info line, cam-out, 2+1 = 3 failed.
func TestNotPictureLoggedOncePerCamera(t *testing.T) {
	logs := &logCount{}
	sb := systemtest.NewWith(t, systemtest.Options{DeviceProtocols: []string{proto}, Log: slog.New(logs)})
	b := &bundle{sb, sb.Sys.Devices}
	b.register(t, "cam-in", "in-1")
	b.register(t, "cam-out", "out-1")
	n := 0
	read := func(serial, data string) {
		t.Helper()
		n++
		if _, err := b.dev.Read(b.Ctx, devices.Read{Serial: serial, Protocol: proto, RecordID: fmt.Sprint(n),
			Plate: fmt.Sprintf("京A%05d", n), Image: []byte(data)}); err != nil {
			t.Fatal(err)
		}
	}
	const notKept, again = "camera picture not kept: not a picture", "camera picture: a picture again"
	for range 3 {
		read("cam-in", "bytes that name no type")
	}
	for range 2 {
		read("cam-out", "<svg></svg>")
	}
	if w := logs.lines(slog.LevelWarn, notKept); len(w) != 2 || w[0]["serial"] != "cam-in" || w[1]["serial"] != "cam-out" {
		t.Fatalf("warnings %v, want one for cam-in, one for cam-out", w)
	}
	read("cam-in", tinyJPEG)
	read("cam-in", tinyJPEG)
	if i := logs.lines(slog.LevelInfo, again); len(i) != 1 || i[0]["serial"] != "cam-in" || i[0]["failed"] != int64(3) {
		t.Fatalf("info lines %v, want one for cam-in, 3 failed", i)
	}
	read("cam-out", "still no picture")
	if w := logs.lines(slog.LevelWarn, notKept); len(w) != 2 {
		t.Fatalf("%d warnings, want still 2: cam-out's run goes on", len(w))
	}
	read("cam-out", tinyPNG)
	if i := logs.lines(slog.LevelInfo, again); len(i) != 2 || i[1]["serial"] != "cam-out" || i[1]["failed"] != int64(3) {
		t.Fatalf("info lines %v, want a second for cam-out, 3 failed", i)
	}
}
