package park

import (
	"context"
	"time"
)

// Enrolment is a plate a partner pays for without the car stopping
// (无感支付): when the car is held at an exit of one of the partner's lots
// for an amount due, parkd asks the partner, through its sensorless_exit
// subscription, to pay it there and then.
type Enrolment struct {
	PartnerID string    `json:"partner_id"`
	Plate     string    `json:"plate"`
	PlateKey  string    `json:"-"`
	CreatedAt time.Time `json:"created_at"`
	// SubscriptionID is the partner's enabled sensorless_exit
	// subscription, filled by FindEnrolment.
	SubscriptionID string `json:"-"`
}

// EnrolmentTx is the part of Tx for sensorless payment enrolments.
type EnrolmentTx interface {
	// PutEnrolment enrols a plate with a partner; enrolling it again
	// changes nothing, and fills e with the enrolment as it stands (its
	// plate as first written, its CreatedAt). ENotFound when the partner
	// does not exist.
	PutEnrolment(ctx context.Context, e *Enrolment) error
	// DeleteEnrolment withdraws a plate (ENotFound when not enrolled).
	DeleteEnrolment(ctx context.Context, partnerID, plateKey string) error
	// ListEnrolments returns a partner's enrolled plates by plate.
	ListEnrolments(ctx context.Context, partnerID string) ([]*Enrolment, error)
	// FindEnrolment returns the earliest enrolment of a plate with a
	// partner that may use lot and has an enabled sensorless_exit
	// subscription, with that subscription's id; nil when there is none.
	FindEnrolment(ctx context.Context, lot, plateKey string) (*Enrolment, error)
}
