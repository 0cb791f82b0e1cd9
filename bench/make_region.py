#!/usr/bin/env python3
"""Writes the files an RGK sends for N accounts (those of make_accounts.py: 70000001 …), as 1C
exports them: Windows-1251, ';', Russian headers, CRLF, decimal commas, DD.MM.YYYY dates.

  services-N.csv     gas for every account, ТО ВДГО for one in three (1.33 N rows)
  meters-N.csv       one meter per account (N rows)
  readings-N.csv     six months of readings per meter (6 N rows)
  settlements-N.csv  two months per account's gas service (2 N rows)
  payments-N.csv     one payment per account, one more for one in three (1.33 N rows)

usage: make_region.py N DIRECTORY [--seed S]
"""
import argparse, os, random


def write(path, header, rows):
    with open(path, "w", encoding="cp1251", newline="") as f:
        f.write(header + "\r\n")
        for row in rows:
            f.write(row + "\r\n")


def money(kopecks):
    sign = "-" if kopecks < 0 else ""
    rubles, kop = divmod(abs(kopecks), 100)
    return f"{sign}{rubles},{kop:02d}"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("n", type=int)
    p.add_argument("directory")
    p.add_argument("--seed", type=int, default=3)
    a = p.parse_args()
    rnd = random.Random(a.seed)
    n, d = a.n, a.directory
    number = lambda i: 70_000_001 + i
    serial = lambda i: str(10_000_000 + i * 7)

    def services():
        for i in range(n):
            yield f"{number(i)};Природный газ;{money(rnd.randint(-500_000, 20_000))}"
            if i % 3 == 0:
                yield f"{number(i)};ТО ВДГО;{money(rnd.randint(-200_000, 0))}"
    write(os.path.join(d, f"services-{n}.csv"), "Лицевой счет;Услуга;Сальдо", services())

    write(os.path.join(d, f"meters-{n}.csv"), "Лицевой счет;Заводской номер;Модель;Разрядность;Дата поверки",
          (f"{number(i)};{serial(i)};{rnd.choice(['СГМН-1 G6', 'BK-G4', 'Гранд-6'])};5;{rnd.randint(1, 28):02d}.{rnd.randint(1, 12):02d}.{rnd.randint(2027, 2034)}"
           for i in range(n)))

    def readings():
        for i in range(n):
            value = rnd.randint(100, 40_000)
            for month in range(5, 11):
                value += rnd.randint(5, 120)
                yield f"{number(i)};{serial(i)};25.{month:02d}.2026;{value}"
    write(os.path.join(d, f"readings-{n}.csv"), "Лицевой счет;Заводской номер;Дата;Показание", readings())

    def settlements():
        for i in range(n):
            opening = rnd.randint(-300_000, 10_000)
            for month in (9, 10):
                charged, paid = rnd.randint(20_000, 300_000), rnd.randint(0, 300_000)
                yield f"{number(i)};Природный газ;{month:02d}.2026;{money(opening)};{money(charged)};{money(paid)}"
                opening = opening - charged + paid
    write(os.path.join(d, f"settlements-{n}.csv"), "Лицевой счет;Услуга;Период;Сальдо на начало;Начислено;Оплачено", settlements())

    def payments():
        k = 0
        for i in range(n):
            for _ in range(2 if i % 3 == 0 else 1):
                k += 1
                yield (f"{number(i)};Природный газ;{rnd.randint(1, 28):02d}.10.2026;{money(rnd.randint(10_000, 500_000))};"
                       f"{rnd.choice(['Сбербанк Онлайн', 'Почта России', 'Касса РГК'])};P{k:09d}")
    write(os.path.join(d, f"payments-{n}.csv"), "Лицевой счет;Услуга;Дата;Сумма;Место оплаты;Номер платежа", payments())


main()
