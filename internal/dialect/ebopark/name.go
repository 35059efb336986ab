package ebopark

// Name is the dialect's name, which its partners are created with.
const Name = "ebopark"
