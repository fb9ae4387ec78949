"""The one size every image in the app has: SIDE x SIDE grey pixels (MNIST and Fashion-MNIST).
Autoregression fills PIXELS of them, one network step per pixel (or per k pixels)."""
SIDE = 28
PIXELS = SIDE * SIDE  # 784
