// Word lists and reference data for the retail simulator (app/simulator.h):
// Brazilian cities with their states, product categories with prices and
// vocabulary, person names, review phrases and brand syllables. All written
// for tillpipe; the category names follow the public Olist dataset's
// English category labels so dashboards look familiar.
#include "app/simulator.h"

namespace tp::app::simulator_data {

namespace {

// Population in thousands (rounded, order of magnitude is what matters).
constexpr City kCities[] = {
    {"São Paulo", "SP", 12300},
    {"Rio de Janeiro", "RJ", 6700},
    {"Brasília", "DF", 3000},
    {"Salvador", "BA", 2900},
    {"Fortaleza", "CE", 2700},
    {"Belo Horizonte", "MG", 2500},
    {"Manaus", "AM", 2200},
    {"Curitiba", "PR", 1960},
    {"Recife", "PE", 1650},
    {"Goiânia", "GO", 1550},
    {"Belém", "PA", 1500},
    {"Porto Alegre", "RS", 1490},
    {"Guarulhos", "SP", 1390},
    {"Campinas", "SP", 1210},
    {"São Luís", "MA", 1110},
    {"Maceió", "AL", 1025},
    {"Duque de Caxias", "RJ", 925},
    {"Campo Grande", "MS", 900},
    {"Natal", "RN", 890},
    {"Teresina", "PI", 870},
    {"São Bernardo do Campo", "SP", 840},
    {"Nova Iguaçu", "RJ", 825},
    {"João Pessoa", "PB", 820},
    {"São José dos Campos", "SP", 730},
    {"Santo André", "SP", 720},
    {"Ribeirão Preto", "SP", 710},
    {"Jaboatão dos Guararapes", "PE", 700},
    {"Osasco", "SP", 700},
    {"Uberlândia", "MG", 700},
    {"Sorocaba", "SP", 690},
    {"Contagem", "MG", 670},
    {"Aracaju", "SE", 660},
    {"Feira de Santana", "BA", 620},
    {"Cuiabá", "MT", 620},
    {"Joinville", "SC", 600},
    {"Aparecida de Goiânia", "GO", 600},
    {"Londrina", "PR", 580},
    {"Juiz de Fora", "MG", 570},
    {"Porto Velho", "RO", 540},
    {"Caxias do Sul", "RS", 520},
    {"Niterói", "RJ", 515},
    {"Florianópolis", "SC", 510},
    {"Macapá", "AP", 510},
    {"Campos dos Goytacazes", "RJ", 510},
    {"Vila Velha", "ES", 500},
    {"São José do Rio Preto", "SP", 465},
    {"Betim", "MG", 450},
    {"Santos", "SP", 430},
    {"Maringá", "PR", 430},
    {"Jundiaí", "SP", 420},
    {"Boa Vista", "RR", 420},
    {"Piracicaba", "SP", 410},
    {"Rio Branco", "AC", 410},
    {"Anápolis", "GO", 390},
    {"Olinda", "PE", 390},
    {"Bauru", "SP", 380},
    {"Vitória", "ES", 365},
    {"Blumenau", "SC", 360},
    {"Pelotas", "RS", 340},
    {"Palmas", "TO", 310},
    {"Petrópolis", "RJ", 305},
    {"Chapecó", "SC", 230},
};

// --- categories ------------------------------------------------------------

constexpr std::string_view kBedNouns[] = {"Jogo de Lençol", "Toalha de Banho", "Edredom", "Travesseiro",
                                          "Toalha de Mesa", "Cobertor", "Colcha", "Jogo de Toalhas"};
constexpr std::string_view kBedAdj[] = {"Casal", "Queen", "King", "Solteiro", "100% Algodão",
                                        "Microfibra", "Percal 200 Fios", "Premium"};
constexpr std::string_view kHealthNouns[] = {"Creme Hidratante", "Protetor Solar", "Shampoo", "Sérum Facial",
                                             "Escova Secadora", "Kit Maquiagem", "Condicionador",
                                             "Máscara Capilar"};
constexpr std::string_view kHealthAdj[] = {"FPS 50", "Vegano", "Antiqueda", "Profissional", "300 ml",
                                           "Hidratação Intensa", "Sem Parabenos", "Nutritivo"};
constexpr std::string_view kSportsNouns[] = {"Bola de Futebol", "Tapete de Yoga", "Halteres", "Bicicleta",
                                             "Garrafa Térmica", "Luva de Goleiro", "Corda de Pular",
                                             "Barraca de Camping"};
constexpr std::string_view kSportsAdj[] = {"Oficial", "Antiderrapante", "Aro 29", "Profissional", "2 kg",
                                           "Ajustável", "Leve", "Impermeável"};
constexpr std::string_view kFurnitureNouns[] = {"Quadro Decorativo", "Espelho", "Luminária", "Vaso",
                                                "Prateleira", "Relógio de Parede", "Cortina", "Almofada"};
constexpr std::string_view kFurnitureAdj[] = {"Moderno", "Rústico", "Dourado", "Madeira Maciça",
                                              "Minimalista", "Escandinavo", "Grande", "Kit 3 Peças"};
constexpr std::string_view kComputerAccNouns[] = {"Mouse Sem Fio", "Teclado Mecânico", "Headset",
                                                  "Webcam", "Cabo HDMI", "Suporte para Notebook",
                                                  "Pendrive", "Hub USB-C"};
constexpr std::string_view kComputerAccAdj[] = {"Gamer", "RGB", "Full HD", "2 m", "64 GB", "Ergonômico",
                                                "Bluetooth", "Pro"};
constexpr std::string_view kHousewaresNouns[] = {"Jogo de Panelas", "Conjunto de Potes", "Garrafa",
                                                 "Escorredor", "Faqueiro", "Organizador", "Cesto",
                                                 "Tábua de Corte"};
constexpr std::string_view kHousewaresAdj[] = {"Antiaderente", "Inox", "Hermético", "10 Peças", "Bambu",
                                               "Vidro", "Empilhável", "Multiuso"};
constexpr std::string_view kWatchesNouns[] = {"Relógio", "Smartwatch", "Pulseira", "Colar", "Brinco",
                                              "Kit Presente", "Anel", "Caneca Personalizada"};
constexpr std::string_view kWatchesAdj[] = {"Masculino", "Feminino", "Prata 925", "Banhado a Ouro",
                                            "À Prova d'Água", "Digital", "Clássico", "Aço Inox"};
constexpr std::string_view kTelephonyNouns[] = {"Capinha", "Película de Vidro", "Carregador",
                                                "Fone Bluetooth", "Cabo USB", "Suporte Veicular",
                                                "Power Bank", "Smartphone"};
constexpr std::string_view kTelephonyAdj[] = {"Turbo 20W", "Anti-impacto", "3D", "10000 mAh", "Tipo C",
                                              "Magnético", "128 GB", "Sem Fio"};
constexpr std::string_view kGardenNouns[] = {"Mangueira", "Vaso Autoirrigável", "Tesoura de Poda",
                                             "Regador", "Kit Jardinagem", "Furadeira", "Jogo de Chaves",
                                             "Aspersor"};
constexpr std::string_view kGardenAdj[] = {"30 m", "Reforçado", "Profissional", "Bivolt", "12 Peças",
                                           "Compacto", "Ajustável", "Plástico Reciclado"};
constexpr std::string_view kAutoNouns[] = {"Tapete Automotivo", "Capa de Volante", "Aspirador Automotivo",
                                           "Câmera de Ré", "Kit Lâmpada LED", "Organizador de Porta-Malas",
                                           "Cera Automotiva", "Som Automotivo"};
constexpr std::string_view kAutoAdj[] = {"Universal", "Couro", "12V", "Sem Fio", "Super Branca",
                                         "Impermeável", "Premium", "Bluetooth"};
constexpr std::string_view kToysNouns[] = {"Boneca", "Carrinho de Controle Remoto", "Quebra-Cabeça",
                                           "Blocos de Montar", "Pelúcia", "Jogo de Tabuleiro",
                                           "Massinha de Modelar", "Patinete"};
constexpr std::string_view kToysAdj[] = {"Educativo", "1000 Peças", "Musical", "Infantil", "Gigante",
                                         "Colorido", "Recarregável", "3 Anos+"};
constexpr std::string_view kCoolNouns[] = {"Cubo Mágico", "Luminária Neon", "Caneca Térmica",
                                           "Action Figure", "Mini Projetor", "Almofada Divertida",
                                           "Chaveiro", "Quebra-Cabeça 3D"};
constexpr std::string_view kCoolAdj[] = {"Colecionável", "Geek", "Edição Limitada", "Retrô", "LED",
                                         "Personalizado", "Original", "Vintage"};
constexpr std::string_view kPerfumeryNouns[] = {"Perfume", "Body Splash", "Desodorante", "Colônia",
                                                "Kit Perfume", "Óleo Corporal", "Hidratante Perfumado",
                                                "Eau de Parfum"};
constexpr std::string_view kPerfumeryAdj[] = {"100 ml", "Masculino", "Feminino", "Floral", "Amadeirado",
                                              "Cítrico", "Importado", "Unissex"};
constexpr std::string_view kBabyNouns[] = {"Carrinho de Bebê", "Body", "Mamadeira", "Babá Eletrônica",
                                           "Kit Berço", "Fralda de Pano", "Cadeirinha", "Mordedor"};
constexpr std::string_view kBabyAdj[] = {"Recém-Nascido", "Antialérgico", "Algodão Orgânico",
                                         "Com Áudio", "Reclinável", "Kit 5 Unidades", "Sem BPA",
                                         "Menino"};
constexpr std::string_view kElectronicsNouns[] = {"Caixa de Som", "Smart TV", "Fone de Ouvido",
                                                  "Câmera de Segurança", "Controle Universal",
                                                  "Antena Digital", "Pilhas Recarregáveis", "Drone"};
constexpr std::string_view kElectronicsAdj[] = {"Bluetooth", "4K", "Portátil", "Wi-Fi", "Full HD",
                                                "HD", "Recarregável", "Compacto"};
constexpr std::string_view kStationeryNouns[] = {"Caderno", "Estojo", "Caneta", "Agenda", "Mochila Escolar",
                                                 "Kit Canetinhas", "Planner", "Calculadora"};
constexpr std::string_view kStationeryAdj[] = {"10 Matérias", "Universitário", "Gel", "2026",
                                               "Colorido", "24 Cores", "Permanente", "Científica"};
constexpr std::string_view kBagsNouns[] = {"Bolsa", "Mochila", "Carteira", "Óculos de Sol", "Cinto",
                                           "Boné", "Necessaire", "Pochete"};
constexpr std::string_view kBagsAdj[] = {"Couro Legítimo", "Feminina", "Masculina", "Transversal",
                                         "Polarizado", "Casual", "Grande", "Sintético"};
constexpr std::string_view kPetNouns[] = {"Ração", "Cama para Cachorro", "Arranhador", "Coleira",
                                          "Comedouro", "Brinquedo para Gato", "Tapete Higiênico",
                                          "Caixa de Transporte"};
constexpr std::string_view kPetAdj[] = {"Premium 15 kg", "Grande", "Pequeno Porte", "Antiderrapante",
                                        "Lavável", "Interativo", "30 Unidades", "Filhote"};
constexpr std::string_view kOfficeNouns[] = {"Cadeira de Escritório", "Mesa para Computador",
                                             "Gaveteiro", "Estante", "Apoio para Pés", "Mesa Digitadora",
                                             "Armário", "Cadeira Gamer"};
constexpr std::string_view kOfficeAdj[] = {"Ergonômica", "Giratória", "Com Rodízios", "MDF",
                                           "Reclinável", "Home Office", "Compacta", "Presidente"};
constexpr std::string_view kConsolesNouns[] = {"Controle", "Jogo", "Console", "Headset Gamer",
                                               "Volante", "Cartão Presente", "Base Carregadora",
                                               "Cadeira Gamer"};
constexpr std::string_view kConsolesAdj[] = {"Sem Fio", "Mídia Física", "Edição Digital", "Dualshock",
                                             "Com Pedais", "Pro", "RGB", "Original"};
constexpr std::string_view kLuggageNouns[] = {"Mala de Viagem", "Mala de Bordo", "Mochila de Viagem",
                                              "Kit Malas", "Cadeado", "Balança de Bagagem",
                                              "Organizador de Mala", "Bolsa de Viagem"};
constexpr std::string_view kLuggageAdj[] = {"Média", "Rodinhas 360°", "ABS", "Expansível", "TSA",
                                            "Digital", "3 Peças", "Impermeável"};
constexpr std::string_view kConstructionNouns[] = {"Furadeira de Impacto", "Serra Tico-Tico",
                                                   "Nível a Laser", "Trena", "Parafusadeira",
                                                   "Escada", "Kit Brocas", "Chave de Fenda"};
constexpr std::string_view kConstructionAdj[] = {"Bivolt", "750W", "5 m", "Alumínio", "Profissional",
                                                 "Sem Fio 12V", "Magnética", "Reforçada"};
constexpr std::string_view kApplianceNouns[] = {"Geladeira", "Máquina de Lavar", "Micro-ondas",
                                                "Fogão", "Aspirador de Pó", "Ar-Condicionado",
                                                "Lava-Louças", "Freezer"};
constexpr std::string_view kApplianceAdj[] = {"Frost Free", "11 kg", "20 Litros", "4 Bocas", "Robô",
                                              "Split 12000 BTUs", "8 Serviços", "Inverter"};
constexpr std::string_view kSmallApplianceNouns[] = {"Liquidificador", "Air Fryer", "Cafeteira",
                                                     "Sanduicheira", "Batedeira", "Ferro de Passar",
                                                     "Chaleira Elétrica", "Mixer"};
constexpr std::string_view kSmallApplianceAdj[] = {"Turbo", "4 Litros", "Expresso", "Antiaderente",
                                                   "Planetária", "A Vapor", "Inox", "110V"};
constexpr std::string_view kMusicNouns[] = {"Violão", "Teclado Musical", "Guitarra", "Ukulele",
                                            "Cabo P10", "Pedal", "Microfone", "Cavaquinho"};
constexpr std::string_view kMusicAdj[] = {"Elétrico", "61 Teclas", "Acústico", "Iniciante", "5 m",
                                          "Condensador", "Profissional", "Folk"};
constexpr std::string_view kBooksNouns[] = {"Livro", "Box", "Coleção", "Box de Livros", "Dicionário",
                                            "Livro de Receitas", "Mangá", "Bíblia"};
constexpr std::string_view kBooksAdj[] = {"Capa Dura", "Edição de Bolso", "Volume 1",
                                          "Edição Especial", "Ilustrado", "Português", "Completo",
                                          "Bilíngue"};
constexpr std::string_view kFoodNouns[] = {"Café em Grãos", "Azeite Extra Virgem", "Chocolate",
                                           "Kit Temperos", "Chá", "Doce de Leite", "Granola",
                                           "Cachaça"};
constexpr std::string_view kFoodAdj[] = {"1 kg", "500 ml", "70% Cacau", "Orgânico", "Artesanal",
                                         "Mineiro", "Sem Glúten", "Gourmet"};
constexpr std::string_view kComputersNouns[] = {"Notebook", "Computador Completo", "Monitor",
                                                "SSD", "Memória RAM", "Placa de Vídeo", "Impressora",
                                                "Tablet"};
constexpr std::string_view kComputersAdj[] = {"Core i5 8GB", "Ryzen 5", "24 Polegadas", "1 TB", "16 GB",
                                              "8 GB", "Multifuncional", "10 Polegadas"};

#define TP_SIM_WORDS(a) std::span<const std::string_view>(a)

// Popularity in percent of sold items (roughly Olist-shaped), median price
// in reais and the log-normal spread of prices around it.
const Category kCategories[] = {
    {"bed_bath_table", 11.0, 90, 0.6, TP_SIM_WORDS(kBedNouns), TP_SIM_WORDS(kBedAdj)},
    {"health_beauty", 9.7, 65, 0.7, TP_SIM_WORDS(kHealthNouns), TP_SIM_WORDS(kHealthAdj)},
    {"sports_leisure", 8.6, 80, 0.8, TP_SIM_WORDS(kSportsNouns), TP_SIM_WORDS(kSportsAdj)},
    {"furniture_decor", 8.3, 95, 0.7, TP_SIM_WORDS(kFurnitureNouns), TP_SIM_WORDS(kFurnitureAdj)},
    {"computers_accessories", 7.7, 90, 0.8, TP_SIM_WORDS(kComputerAccNouns), TP_SIM_WORDS(kComputerAccAdj)},
    {"housewares", 6.9, 70, 0.7, TP_SIM_WORDS(kHousewaresNouns), TP_SIM_WORDS(kHousewaresAdj)},
    {"watches_gifts", 5.8, 140, 0.8, TP_SIM_WORDS(kWatchesNouns), TP_SIM_WORDS(kWatchesAdj)},
    {"telephony", 4.4, 45, 0.9, TP_SIM_WORDS(kTelephonyNouns), TP_SIM_WORDS(kTelephonyAdj)},
    {"garden_tools", 4.2, 90, 0.7, TP_SIM_WORDS(kGardenNouns), TP_SIM_WORDS(kGardenAdj)},
    {"auto", 4.1, 85, 0.8, TP_SIM_WORDS(kAutoNouns), TP_SIM_WORDS(kAutoAdj)},
    {"toys", 4.0, 75, 0.8, TP_SIM_WORDS(kToysNouns), TP_SIM_WORDS(kToysAdj)},
    {"cool_stuff", 3.7, 110, 0.8, TP_SIM_WORDS(kCoolNouns), TP_SIM_WORDS(kCoolAdj)},
    {"perfumery", 3.4, 95, 0.7, TP_SIM_WORDS(kPerfumeryNouns), TP_SIM_WORDS(kPerfumeryAdj)},
    {"baby", 2.9, 90, 0.8, TP_SIM_WORDS(kBabyNouns), TP_SIM_WORDS(kBabyAdj)},
    {"electronics", 2.7, 70, 1.0, TP_SIM_WORDS(kElectronicsNouns), TP_SIM_WORDS(kElectronicsAdj)},
    {"stationery", 2.5, 40, 0.7, TP_SIM_WORDS(kStationeryNouns), TP_SIM_WORDS(kStationeryAdj)},
    {"fashion_bags_accessories", 1.8, 70, 0.7, TP_SIM_WORDS(kBagsNouns), TP_SIM_WORDS(kBagsAdj)},
    {"pet_shop", 1.7, 60, 0.8, TP_SIM_WORDS(kPetNouns), TP_SIM_WORDS(kPetAdj)},
    {"office_furniture", 1.6, 280, 0.6, TP_SIM_WORDS(kOfficeNouns), TP_SIM_WORDS(kOfficeAdj)},
    {"consoles_games", 1.1, 150, 0.9, TP_SIM_WORDS(kConsolesNouns), TP_SIM_WORDS(kConsolesAdj)},
    {"luggage_accessories", 1.0, 170, 0.7, TP_SIM_WORDS(kLuggageNouns), TP_SIM_WORDS(kLuggageAdj)},
    {"construction_tools", 0.9, 130, 0.8, TP_SIM_WORDS(kConstructionNouns), TP_SIM_WORDS(kConstructionAdj)},
    {"home_appliances", 0.7, 450, 0.9, TP_SIM_WORDS(kApplianceNouns), TP_SIM_WORDS(kApplianceAdj)},
    {"small_appliances", 0.7, 200, 0.7, TP_SIM_WORDS(kSmallApplianceNouns), TP_SIM_WORDS(kSmallApplianceAdj)},
    {"musical_instruments", 0.6, 250, 0.9, TP_SIM_WORDS(kMusicNouns), TP_SIM_WORDS(kMusicAdj)},
    {"books", 0.5, 45, 0.5, TP_SIM_WORDS(kBooksNouns), TP_SIM_WORDS(kBooksAdj)},
    {"food_drink", 0.5, 45, 0.6, TP_SIM_WORDS(kFoodNouns), TP_SIM_WORDS(kFoodAdj)},
    {"computers", 0.3, 1500, 0.6, TP_SIM_WORDS(kComputersNouns), TP_SIM_WORDS(kComputersAdj)},
};

#undef TP_SIM_WORDS

// --- people ----------------------------------------------------------------

constexpr std::string_view kFirstNames[] = {
    "Ana",      "Maria",    "Juliana",  "Fernanda", "Camila",   "Beatriz",  "Larissa",  "Gabriela",
    "Letícia",  "Mariana",  "Amanda",   "Bruna",    "Patrícia", "Aline",    "Vanessa",  "Luana",
    "Isabela",  "Júlia",    "Natália",  "Carolina", "Rafaela",  "Tatiane",  "Débora",   "Priscila",
    "Sabrina",  "Helena",   "Alice",    "Laura",    "Sofia",    "Valentina", "Cecília", "Lorena",
    "José",     "João",     "Antônio",  "Francisco", "Carlos",  "Paulo",    "Pedro",    "Lucas",
    "Luiz",     "Marcos",   "Luís",     "Gabriel",  "Rafael",   "Daniel",   "Marcelo",  "Bruno",
    "Eduardo",  "Felipe",   "Rodrigo",  "Gustavo",  "Thiago",   "Matheus",  "André",    "Fernando",
    "Fábio",    "Leonardo", "Diego",    "Vinícius", "Ricardo",  "Henrique", "Caio",     "Otávio",
    "Murilo",   "Enzo",     "Miguel",   "Arthur",   "Davi",     "Heitor",   "Bernardo", "Samuel",
};

constexpr std::string_view kLastNames[] = {
    "Silva",     "Santos",   "Oliveira",  "Souza",    "Rodrigues", "Ferreira",  "Alves",    "Pereira",
    "Lima",      "Gomes",    "Costa",     "Ribeiro",  "Martins",   "Carvalho",  "Almeida",  "Lopes",
    "Soares",    "Fernandes", "Vieira",   "Barbosa",  "Rocha",     "Dias",      "Nascimento", "Andrade",
    "Moreira",   "Nunes",    "Marques",   "Machado",  "Mendes",    "Freitas",   "Cardoso",  "Ramos",
    "Gonçalves", "Santana",  "Teixeira",  "Araújo",   "Conceição", "Cavalcanti", "Monteiro", "Moura",
    "Correia",   "Pinto",    "Campos",    "Batista",  "Reis",      "Azevedo",   "Xavier",   "Brandão",
    "Magalhães", "Castro",   "Sampaio",   "Fonseca",  "Prado",     "Leite",     "Tavares",  "Coelho",
    "Medeiros",  "Borges",   "Siqueira",  "Bezerra",  "Falcão",    "Assunção",
};

// --- reviews ---------------------------------------------------------------

constexpr std::string_view kGoodComments[] = {
    "Produto excelente, recomendo!",
    "Chegou antes do prazo, muito bom.",
    "Ótima qualidade, superou minhas expectativas.",
    "Entrega rápida e produto bem embalado.",
    "Tudo certo, vendedor confiável.",
    "Gostei muito, comprarei novamente.",
    "Perfeito! Exatamente como no anúncio.",
    "Muito bom, ótimo custo-benefício.",
    "Recebi tudo certinho.\nRecomendo a loja.",
    "Amei ❤",
    "Produto de ótima qualidade 👍",
    "Minha mãe adorou o presente.",
    "Bom produto",
    "Chegou rápido.",
};

constexpr std::string_view kMidComments[] = {
    "Produto ok, nada de especial.",
    "Razoável pelo preço.",
    "Chegou no prazo, mas a embalagem estava amassada.",
    "A cor é um pouco diferente da foto.",
    "Bom, mas poderia ser melhor.",
    "Veio escrito \"frágil\" mas a caixa chegou aberta.",
    "Demorou um pouco, mas chegou.",
    "Tamanho menor do que eu esperava.",
};

constexpr std::string_view kBadComments[] = {
    "Não recebi o produto.",
    "Produto veio com defeito.",
    "Entrega muito atrasada.",
    "Péssimo, não recomendo.",
    "Recebi o produto errado, aguardando troca.",
    "Comprei 2 unidades e só veio 1.",
    "Pedido cancelado sem explicação.",
    "Qualidade muito inferior ao anunciado.",
    "Ainda estou aguardando o reembolso.",
    "Atendimento péssimo; ninguém responde.",
    "Produto quebrado \\ caixa rasgada.",
};

// --- brands ----------------------------------------------------------------

constexpr std::string_view kBrandSyllables[] = {
    "ba", "be", "bi", "bo", "ca", "ce", "co", "da", "de", "di", "do", "fa", "fe", "fi",
    "ga", "gi", "la", "le", "li", "lo", "lu", "ma", "me", "mi", "mo", "na", "ne", "ni",
    "no", "pa", "pe", "po", "ra", "re", "ri", "ro", "sa", "se", "si", "so", "ta", "te",
    "ti", "to", "va", "ve", "vi", "za", "zo", "bra", "tri", "clo", "fla", "pri", "sta",
    "tre", "vel", "mar", "lar", "nor", "sol", "lum", "ter", "kai", "xa",
};

constexpr std::string_view kBrandEndings[] = {"", "", "", "", "a", "o", "x", "n", "s", "r", "ia", "ino"};

constexpr std::string_view kBrandSuffixes[] = {
    "Casa", "Home", "Brasil", "Store", "Kids", "Fit", "Tech", "Decor", "Bella", "Pet",
    "Moda", "Sport", "Eco", "Max", "Prime", "Nova", "Vita", "Lar", "Arte", "& Cia",
};

}  // namespace

std::span<const City> Cities() { return kCities; }
std::span<const Category> Categories() { return kCategories; }
std::span<const std::string_view> FirstNames() { return kFirstNames; }
std::span<const std::string_view> LastNames() { return kLastNames; }
std::span<const std::string_view> ReviewComments(int score) {
  if (score >= 4) return kGoodComments;
  if (score == 3) return kMidComments;
  return kBadComments;
}
std::span<const std::string_view> BrandSyllables() { return kBrandSyllables; }
std::span<const std::string_view> BrandEndings() { return kBrandEndings; }
std::span<const std::string_view> BrandSuffixes() { return kBrandSuffixes; }

}  // namespace tp::app::simulator_data
