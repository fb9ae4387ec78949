"""The one size every image in the app has: SIDE x SIDE grey pixels (MNIST and Fashion-MNIST).
Autoregression fills PIXELS of them, one network step per pixel (or per k pixels). Labels are
0..NUM_CLASSES-1; NULL_LABEL is the "no label" index the networks were trained with (label dropout)."""

SIDE = 28
PIXELS = SIDE * SIDE  # 784
NUM_CLASSES = 10
NULL_LABEL = NUM_CLASSES  # the "no label" class index
