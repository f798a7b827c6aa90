"""The article's fixed points (DESIGN.md): every mode must reproduce them to the last digit."""

POINT = [1, 2, -3, -1, 3]  # a, b, c, x, y
VALUE = 0.8807970779778823
GRADIENT = [
    -0.1049935854035065,  # d/da
    0.3149807562105195,  # d/db
    0.1049935854035065,  # d/dc
    0.1049935854035065,  # d/dx
    0.209987170807013,  # d/dy
]
