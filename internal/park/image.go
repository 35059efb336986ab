package park

import (
	"context"
	"time"
)

// MaxImage bounds a picture kept with a camera read: a plate or scene
// picture of a lane camera fits; a bigger one is not kept.
const MaxImage = 1 << 20

// Image is a picture a camera sent with a read, kept for the operator.
type Image struct {
	ID          string
	LotCode     string
	EventID     string
	ContentType string // image/jpeg, ...
	Data        []byte
	CreatedAt   time.Time
}

// ImageTx is the part of Tx for pictures.
type ImageTx interface {
	// PutImage stores an image (EConflict: the id exists; ENotFound: the
	// lot does not).
	PutImage(ctx context.Context, im *Image) error
	// GetImage returns ENotFound for an unknown id.
	GetImage(ctx context.Context, id string) (*Image, error)
}
