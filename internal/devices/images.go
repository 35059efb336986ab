package devices

import (
	"context"
	"net/http"
	"time"

	"parkd/internal/core"
	"parkd/internal/park"
)

// ImagePath is where the operator reads a kept picture (the native API).
const ImagePath = "/v1/images/"

// maxImageWrites bounds pictures being written at once: past it a read's
// picture is not kept (the read itself never waits for one).
const maxImageWrites = 16

// pictureTypes are the types a picture is kept as: raster images, which
// a browser only displays. Anything else a device sends (an SVG, an HTML
// page) would run as a document on parkd's origin, and is not kept.
var pictureTypes = map[string]bool{"image/jpeg": true, "image/png": true, "image/gif": true, "image/webp": true, "image/bmp": true}

// PictureType is the type data is by its first bytes (JPEG, PNG, GIF,
// WebP, BMP: what cameras send), whatever its sender says; "" when it is
// no picture. It is the one rule of what a device's picture is: a
// protocol choosing among a read's fields asks it too.
func PictureType(data []byte) string {
	if t := http.DetectContentType(data); pictureTypes[t] {
		return t
	}
	return ""
}

// picture is a read's picture on its way to be kept, holding one of
// the writes at once (imageWrites) until it is kept or dropped.
type picture struct {
	s  *Service
	d  *park.Device
	im *park.Image
}

// URL is where the operator will read it, recorded by its event.
func (p *picture) URL() string { return ImagePath + p.im.ID }

// takePicture readies a read's picture to be kept with its decision;
// nil when it is not kept (no picture, too big, too many being written).
// Bytes that are no picture are logged once per run of them from one
// device (a camera so set up sends them with every read), not per read,
// and the run's end with its count.
func (s *Service) takePicture(d *park.Device, eventID string, data []byte) *picture {
	if len(data) > park.MaxImage {
		s.base.Log.Info("camera picture not kept: too big", "serial", d.Serial, "event", eventID, "bytes", len(data))
		return nil
	}
	ct := PictureType(data)
	if ct == "" {
		s.notPictures.failed(d.Serial, "camera picture not kept: not a picture", "event", eventID,
			"bytes", len(data), "sniffed", http.DetectContentType(data))
		return nil
	}
	s.notPictures.ok(d.Serial)
	select {
	case s.imageWrites <- struct{}{}:
	default:
		s.base.Log.Warn("camera picture not kept: too many being written", "serial", d.Serial, "event", eventID)
		return nil
	}
	return &picture{s: s, d: d, im: &park.Image{ID: core.NewID(), LotCode: d.LotCode, ContentType: ct,
		Data: append([]byte(nil), data...), CreatedAt: s.base.Clock()}}
}

// keep writes the picture beside the event its read became, unless the
// read recorded nothing new (refused by the gate: nothing would ever show
// it; a repeat: its first push's picture is kept), in the background:
// the read never waits for it. nil: nothing to keep.
func (p *picture) keep(eventID string, recorded bool) {
	if p == nil {
		return
	}
	if !recorded {
		<-p.s.imageWrites
		return
	}
	p.im.EventID = eventID
	go func() {
		defer func() { <-p.s.imageWrites }()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := p.s.base.Update(ctx, func(tx park.Tx) error { return tx.PutImage(ctx, p.im) }); err != nil {
			p.s.base.Log.Error("keeping a camera picture", "serial", p.d.Serial, "event", eventID, "err", err)
		}
	}()
}

// Image returns a kept picture (ENotFound), typed as its bytes are: one
// kept before its type was read from them (as the type its device
// declared) is served as what it is, a download when it is no picture.
func (s *Service) Image(ctx context.Context, id string) (*park.Image, error) {
	var im *park.Image
	if err := s.base.Store.View(ctx, func(tx park.Tx) (err error) { im, err = tx.GetImage(ctx, id); return }); err != nil {
		return nil, err
	}
	if im.ContentType = PictureType(im.Data); im.ContentType == "" {
		im.ContentType = "application/octet-stream"
	}
	return im, nil
}
