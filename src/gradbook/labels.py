"""The words the engine draws: figure titles, axis labels, legends, widget
descriptions and scrubber alt texts, in the book's two languages.

The language is read once, from the environment variable ``GRADBOOK_LANG``
(``ru`` for the Russian edition's build; anything else, or nothing, is
English).  English is the source: a message is its own English text, and
:func:`t` returns it unchanged, so English figures are exactly what they
were before this table existed.  A Russian message is the same template
with the same ``{fields}``; numbers keep their decimal point in both
languages, so a figure agrees with the printed output beside it.

A text the table does not hold (a label a notebook made up) is drawn as
it is.
"""

from __future__ import annotations

import os

__all__ = ["LANGUAGE", "MESSAGES", "t"]

LANGUAGE = "ru" if os.environ.get("GRADBOOK_LANG", "en") == "ru" else "en"

# English template -> Russian template (same fields, same format specs).
RU = {
    # plots.py: search
    "iteration": "итерация",
    "best output so far": "лучший выход на данный момент",
    "How the best output improves": "Как растёт лучший выход",
    "start": "старт",
    "best point reached": "лучшая найденная точка",
    "Where the best point goes": "Куда движется лучшая точка",
    "best output against iteration": "лучший выход по итерациям",
    "path of the best point over contours of f": (
        "путь лучшей точки на линиях уровня f"
    ),
    # plots.py: derivatives
    "neuron output": "выход нейрона",
    "tangent": "касательная",
    "tangent, slope {slope:.4f}": "касательная, наклон {slope:.4f}",
    "input {name}": "вход {name}",
    "The derivative with respect to {name} is the slope of the tangent": (
        "Производная по {name} — это наклон касательной"
    ),
    "output against {wrt}, tangent at {wrt} = {x0:g}": (
        "выход в зависимости от {wrt}, касательная при {wrt} = {x0:g}"
    ),
    "partial derivative": "частная производная",
    "all five partial derivatives": "все пять частных производных",
    # plots.py: the computational graph
    "The neuron's computational graph": "Вычислительный граф нейрона",
    "black: the node's value    red: d(output)/d(node)\n"
    "×k on an arrow: the local derivative": (
        "чёрным: значение узла    красным: d(выход)/d(узел)\n"
        "×k на стрелке: локальная производная"
    ),
    "rule": "правило",
    "×array": "×массив",
    # plots.py: cost, training, digits
    "number of inputs n": "число входов n",
    "seconds per gradient": "секунд на один градиент",
    "Decision boundary": "Граница решений",
    "class {k}": "класс {k}",
    "loss": "функция потерь",
    "Learning curves": "Кривые обучения",
    "{guess} (is {truth})": "{guess} (верно: {truth})",
    "Confusion matrix": "Матрица ошибок",
    "predicted digit": "предсказанная цифра",
    "true digit": "истинная цифра",
    "test images": "тестовые изображения",
    "what the network predicts": "что предсказывает сеть",
    "training loss": "потери на обучающих данных",
    "gradient steps": "шаги градиентного спуска",
    "cross-entropy loss": "перекрёстная энтропия",
    "The gradient points uphill": "Градиент указывает вверх по склону",
    "gradient ({gx:g}, {gy:g})": "градиент ({gx:g}, {gy:g})",
    "direction of the gradient ({gx:g}, {gy:g})": (
        "направление градиента ({gx:g}, {gy:g})"
    ),
    "The gradient each call reports": "Градиент, который выдаёт каждый вызов",
    "call number": "номер вызова",
    "gradient reported": "выданный градиент",
    "One pass, one column or one row of the Jacobian": (
        "Один проход — один столбец или одна строка якобиана"
    ),
    "one forward pass (a JVP): a column": (
        "один прямой проход (JVP): столбец"
    ),
    "one reverse pass (a VJP): a row": "один обратный проход (VJP): строка",
    "input (one column each)": "вход (по столбцу на каждый)",
    "output (one row each)": "выход (по строке на каждый)",
    "fitted line, slope {slope:.1f}": (
        "аппроксимирующая прямая, наклон {slope:.1f}"
    ),
    # views.py
    "tweak {tweak:g}, {iterations} iterations, seed {seed}: output "
    "{start:.3f} → {best:.3f}": (
        "шаг {tweak:g}, итераций: {iterations}, seed {seed}: выход "
        "{start:.3f} → {best:.3f}"
    ),
    "seed {seed}": "seed {seed}",
    "after {upto} iterations: best output {best:.3f}": (
        "после {upto} итераций: лучший выход {best:.3f}"
    ),
    "neuron at {names}: output {value:.4f}": (
        "нейрон при {names}: выход {value:.4f}"
    ),
    "output {value:.4f}; gradient [{order}] = [{grads}]": (
        "выход {value:.4f}; градиент [{order}] = [{grads}]"
    ),
    "learning rate {learning_rate:g}, {hidden} hidden units, "
    "seed {seed}: loss {loss:.3f}, accuracy {score:.0%}": (
        "скорость обучения {learning_rate:g}, скрытых нейронов: {hidden}, "
        "seed {seed}: потери {loss:.3f}, точность {score:.0%}"
    ),
    "after {step} gradient steps: accuracy {score:.0%}": (
        "после {step} шагов градиентного спуска: точность {score:.0%}"
    ),
    # widgets.py: descriptions
    "tweak": "шаг",
    "iterations": "итерации",
    "start x": "старт x",
    "start y": "старт y",
    "seed": "seed",
    "learning rate": "скорость обучения",
    "hidden units": "скрытые нейроны",
    "steps": "шаги",
    # views.py: scrubber alt texts
    "No iterations yet: the best output is the start, {start:.3f}.": (
        "Итераций ещё не было: лучший выход равен стартовому, {start:.3f}."
    ),
    "After {upto} of {total} iterations, the best output has gone from "
    "{start:.3f} to {best:.3f}.": (
        "После {upto} из {total} итераций лучший выход вырос с {start:.3f} "
        "до {best:.3f}."
    ),
    "Random search on x times y. {progress} Left: the best output "
    "against the iteration. Right: the path of the best point over the "
    "contour lines of x times y.": (
        "Случайный поиск для x, умноженного на y. {progress} Слева: лучший "
        "выход в зависимости от итерации. Справа: путь лучшей точки на "
        "линиях уровня x, умноженного на y."
    ),
    "Left: the neuron's output against x, an S-shaped curve, with its "
    "tangent line at x = {x:g}, slope {slope:.4f}. Right: bars of the "
    "five partial derivatives at that point.": (
        "Слева: выход нейрона в зависимости от x, S-образная кривая, и "
        "касательная к ней при x = {x:g}, наклон {slope:.4f}. Справа: "
        "столбики пяти частных производных в этой точке."
    ),
    "The neuron's computational graph at x = {x:g}: the inputs on the "
    "left, the output sigma on the right, each node with its value and "
    "its cotangent (grad). The output is {value:.4f}.": (
        "Вычислительный граф нейрона при x = {x:g}: входы слева, выход "
        "сигмоиды справа, у каждого узла его значение и кокасательный "
        "вектор (grad). Выход равен {value:.4f}."
    ),
    "The network after {step} gradient steps. Left: the spirals' points "
    "over the regions where the network predicts each class; the "
    "network puts {score:.0%} of the points in their right class. "
    "Right: the loss against the step.": (
        "Сеть после {step} шагов градиентного спуска. Слева: точки спиралей "
        "поверх областей, где сеть предсказывает каждый класс; сеть "
        "относит к верному классу {score:.0%} точек. Справа: функция "
        "потерь в зависимости от шага."
    ),
    # Titles, legends and axis labels the chapters pass in.
    "Random search on x * y": "Случайный поиск для x * y",
    "At (-2, 3) the gradient (3, -2) points uphill": (
        "В точке (-2, 3) градиент (3, -2) указывает вверх по склону"
    ),
    "Random search: the path of the best point": (
        "Случайный поиск: путь лучшей точки"
    ),
    "random search (seed 1), mean try 0.0076": (
        "случайный поиск (seed 1), средняя длина попытки 0.0076"
    ),
    "gradient direction, every step 0.01": (
        "по направлению градиента, каждый шаг 0.01"
    ),
    "gradient ascent, step 0.01 x gradient": (
        "градиентный подъём, шаг 0.01 x градиент"
    ),
    "100 steps each: direction and step length": (
        "По 100 шагов: направление и длина шага"
    ),
    "random search (seed 1)": "случайный поиск (seed 1)",
    "gradient ascent, step 0.01 * gradient": (
        "градиентный подъём, шаг 0.01 * градиент"
    ),
    "gradient ascent, same step length": (
        "градиентный подъём, та же длина шага"
    ),
    "Multiply gate: 100 steps each": "Вентиль умножения: по 100 шагов",
    "Neuron output: 100 steps each": "Выход нейрона: по 100 шагов",
    "w is used three times: its gradient adds three edges": (
        "w используется трижды: его градиент — сумма по трём рёбрам"
    ),
    "micrograd, no zero_grad": "micrograd без zero_grad",
    "micrograd, zero_grad first": "micrograd, сначала zero_grad",
    "The gradient of x·x at x = 3, three calls in a row": (
        "Градиент x·x при x = 3, три вызова подряд"
    ),
    "chain(v, 3) with tape indices: every arrow goes to a larger one": (
        "chain(v, 3) с номерами на ленте: каждая стрелка идёт к большему "
        "номеру"
    ),
    "reverse mode: the tape": "обратный режим: лента",
    "forward mode: the most held at once": (
        "прямой режим: наибольший объём одновременно"
    ),
    "operations in the chain": "операций в цепочке",
    "memory (MB)": "память (МБ)",
    "The tape grows with the program": "Лента растёт вместе с программой",
    "forward mode (dual numbers)": "прямой режим (дуальные числа)",
    "reverse mode (backprop)": "обратный режим (backprop)",
    "Cost of one gradient of sum_of_squares": (
        "Стоимость одного градиента sum_of_squares"
    ),
    "learning rate 2": "скорость обучения 2",
    "learning rate 0.5": "скорость обучения 0.5",
    "Spirals: a large learning rate is fast, but the loss jumps": (
        "Спирали: с большой скоростью обучения потери падают быстрее, "
        "но скачут"
    ),
    "Test digits: every mistake (red), and correct ones (black)": (
        "Тестовые цифры: все ошибки (красным) и верные (чёрным)"
    ),
    "Digits: true against predicted": "Цифры: истинные и предсказанные",
    "gradient descent": "градиентный спуск",
    "random search, tweak 0.003": "случайный поиск, шаг 0.003",
    "random search, tweak 0.01": "случайный поиск, шаг 0.01",
    "random search, tweak 0.03": "случайный поиск, шаг 0.03",
    "random search, tweak 0.1": "случайный поиск, шаг 0.1",
    "loss evaluations": "вычислений функции потерь",
    "Same network, same budget: 300 loss evaluations": (
        "Та же сеть, тот же бюджет: 300 вычислений функции потерь"
    ),
    "time per gradient / time of one float evaluation": (
        "время градиента / время одного вычисления на float"
    ),
    "Neuron gradient (5 partial derivatives)": (
        "Градиент нейрона (5 частных производных)"
    ),
    "time / time of one numpy forward pass": (
        "время / время одного прямого прохода numpy"
    ),
    "MLP gradient, 1797 x 64 -> 128 tanh -> 10": (
        "Градиент MLP, 1797 x 64 -> 128 tanh -> 10"
    ),
    "Gradient of a sum of n squares": "Градиент суммы n квадратов",
    # The appendix's bars and lines, named in benchmarks/results.json.
    "float evaluation (no gradient)": "вычисление на float (без градиента)",
    "gradbook Var (reverse, grad_bp)": "gradbook Var (обратный, grad_bp)",
    "gradbook Dual (5 forward passes)": "gradbook Dual (5 прямых проходов)",
    "numpy forward only": "только прямой проход numpy",
    "numpy forward + backward by hand": (
        "прямой проход numpy + обратный вручную"
    ),
    "forward (dual numbers, n passes)": "прямой (дуальные числа, n проходов)",
    "reverse (backprop, one pass)": "обратный (backprop, один проход)",
}

MESSAGES: dict[str, dict[str, str]] = {"en": {}, "ru": RU}


def t(text: str, **fields: object) -> str:
    """``text`` in the book's language, its ``{fields}`` filled in; a text
    the table does not hold is returned as it is (filled in if fields are
    given)."""
    template = MESSAGES[LANGUAGE].get(text, text)
    return template.format(**fields) if fields else template
