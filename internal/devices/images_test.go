package devices_test

import (
	"strings"
	"testing"
	"time"

	"parkd/internal/devices"
	"parkd/internal/park"
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
