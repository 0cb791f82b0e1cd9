#!/usr/bin/env python3
"""Writes N personal accounts as an RGK would export them from 1C: Windows-1251, ';',
Russian headers, CRLF, account numbers with separators, decimal commas, some quoted fields.

usage: make_accounts.py N FILE [--rgk CODE] [--seed S]
"""
import argparse, random

SURNAMES = ["Иванов", "Петров", "Смирнов", "Кузнецов", "Попов", "Васильев", "Соколов", "Михайлов", "Новиков", "Фёдоров",
            "Морозов", "Волков", "Алексеев", "Лебедев", "Семёнов", "Егоров", "Павлов", "Козлов", "Степанов", "Николаев"]
NAMES = ["Александр", "Сергей", "Владимир", "Андрей", "Алексей", "Елена", "Татьяна", "Ольга", "Наталья", "Ирина"]
PATRONYMICS = ["Александрович", "Сергеевич", "Владимирович", "Андреевна", "Алексеевна", "Ивановна", "Петрович"]
TOWNS = ["г. Вологда", "г. Череповец", "г. Сокол", "г. Великий Устюг", "пгт Шексна"]
STREETS = ["ул. Ленина", "ул. Мира", "ул. Гагарина", "пр-т Победы", "ул. Октябрьская", "ул. Набережная"]

def main():
    p = argparse.ArgumentParser()
    p.add_argument("n", type=int)
    p.add_argument("file")
    p.add_argument("--rgk", default="vologda")
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args()
    rnd = random.Random(a.seed)
    with open(a.file, "w", encoding="cp1251", newline="") as f:
        f.write("РГК;Лицевой счет;Фамилия;Имя;Отчество;Адрес;Телефон;Проживающих;Отапливаемая площадь;Статус\r\n")
        for i in range(a.n):
            number = 70_000_000 + i + 1
            shown = f"0{str(number)[:2]}-{str(number)[2:]}"
            address = f"Вологодская обл., {rnd.choice(TOWNS)}, {rnd.choice(STREETS)}, д. {rnd.randint(1, 120)}, кв. {rnd.randint(1, 140)}"
            if i % 10 == 0:
                address = '"' + address.replace(", д.", ', "дом" д.').replace('"', '""') + '"'
            area = f"{rnd.randint(30, 150)},{rnd.randint(0, 9)}"
            f.write(";".join([a.rgk, shown, rnd.choice(SURNAMES), rnd.choice(NAMES), rnd.choice(PATRONYMICS), address,
                              f"+7 9{rnd.randint(10, 99)} {rnd.randint(100, 999)}-{rnd.randint(10, 99)}-{rnd.randint(10, 99)}",
                              str(rnd.randint(1, 6)), area, "открыт" if i % 50 else "закрыт"]) + "\r\n")

main()
