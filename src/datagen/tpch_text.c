/*
 * tpch_text.c — the word lists and the pseudo-text of the TPC-H generator.
 *
 * TPC-H (clause 4.2.2) fills comment columns with "text strings": sentences
 * produced by a small grammar (noun phrase, verb phrase, prepositional phrase,
 * terminator) over fixed word lists, and part names from 92 colour words.
 * As the reference generator does, we build one pool of such text once (a few
 * megabytes, from a fixed seed) and cut every comment as a substring of it at
 * a random offset and length; that keeps comment generation a memcpy. Word
 * frequencies are skewed towards the common words (packages, requests,
 * accounts, deposits; special, pending, unusual, express) so that the LIKE
 * patterns of Q13 ('%special%requests%') select a small but real fraction of
 * rows. This file also holds the fixed domains: nations, regions, segments,
 * priorities, ship modes and instructions, and the type/container syllables.
 */
#include "datagen/tpch_internal.h"

#include <stdio.h>

typedef struct {
    const char *w;
    int weight;
} weighted_word;

static const weighted_word NOUNS[] = {
    {"packages", 40}, {"requests", 40}, {"accounts", 40}, {"deposits", 40},
    {"foxes", 20}, {"ideas", 20}, {"theodolites", 20}, {"pinto beans", 20},
    {"instructions", 20}, {"dependencies", 10}, {"excuses", 10}, {"platelets", 10},
    {"asymptotes", 10}, {"courts", 5}, {"dolphins", 5}, {"multipliers", 1},
    {"sauternes", 1}, {"warthogs", 1}, {"frets", 1}, {"dinos", 1}, {"attainments", 1},
    {"somas", 1}, {"Tiresias", 1}, {"patterns", 1}, {"forges", 1}, {"braids", 1},
    {"hockey players", 1}, {"frays", 1}, {"warhorses", 1}, {"dugouts", 1},
    {"notornis", 1}, {"epitaphs", 1}, {"pearls", 1}, {"tithes", 1}, {"waters", 1},
    {"orbits", 1}, {"gifts", 1}, {"sheaves", 1}, {"depths", 1}, {"sentiments", 1},
    {"decoys", 1}, {"realms", 1}, {"pains", 1}, {"grouches", 1}, {"escapades", 1},
};

static const weighted_word VERBS[] = {
    {"sleep", 20}, {"wake", 20}, {"are", 20}, {"cajole", 20}, {"haggle", 20},
    {"nag", 10}, {"use", 10}, {"boost", 10}, {"affix", 5}, {"detect", 5},
    {"integrate", 5}, {"maintain", 1}, {"nod", 1}, {"was", 1}, {"lose", 1},
    {"sublate", 1}, {"solve", 1}, {"thrash", 1}, {"promise", 1}, {"engage", 1},
    {"hinder", 1}, {"print", 1}, {"x-ray", 1}, {"breach", 1}, {"eat", 1},
    {"grow", 1}, {"impress", 1}, {"mold", 1}, {"poach", 1}, {"serve", 1},
    {"run", 1}, {"dazzle", 1}, {"snooze", 1}, {"doze", 1}, {"unwind", 1},
    {"kindle", 1}, {"play", 1}, {"hang", 1}, {"believe", 1}, {"doubt", 1},
};

static const weighted_word ADJECTIVES[] = {
    {"special", 20}, {"pending", 20}, {"unusual", 20}, {"express", 20},
    {"furious", 1}, {"sly", 1}, {"careful", 1}, {"blithe", 1}, {"quick", 1},
    {"fluffy", 1}, {"slow", 1}, {"quiet", 1}, {"ruthless", 1}, {"thin", 1},
    {"close", 1}, {"dogged", 1}, {"daring", 1}, {"brave", 1}, {"stealthy", 1},
    {"permanent", 1}, {"enticing", 1}, {"idle", 1}, {"busy", 1}, {"regular", 50},
    {"final", 40}, {"ironic", 40}, {"even", 30}, {"bold", 20}, {"silent", 10},
};

static const weighted_word ADVERBS[] = {
    {"sometimes", 1}, {"always", 1}, {"never", 1}, {"furiously", 50}, {"slyly", 50},
    {"carefully", 50}, {"blithely", 40}, {"quickly", 30}, {"fluffily", 20},
    {"slowly", 1}, {"quietly", 1}, {"ruthlessly", 1}, {"thinly", 1}, {"closely", 1},
    {"doggedly", 1}, {"daringly", 1}, {"bravely", 1}, {"stealthily", 1},
    {"permanently", 1}, {"enticingly", 1}, {"idly", 1}, {"busily", 1},
    {"regularly", 1}, {"finally", 1}, {"ironically", 1}, {"evenly", 1},
    {"boldly", 1}, {"silently", 1},
};

static const weighted_word PREPOSITIONS[] = {
    {"about", 50}, {"above", 50}, {"according to", 50}, {"across", 50}, {"after", 50},
    {"against", 40}, {"along", 40}, {"alongside of", 30}, {"among", 30}, {"around", 20},
    {"at", 10}, {"atop", 1}, {"before", 1}, {"behind", 1}, {"beneath", 1}, {"beside", 1},
    {"besides", 1}, {"between", 1}, {"beyond", 1}, {"by", 1}, {"despite", 1},
    {"during", 1}, {"except", 1}, {"for", 1}, {"from", 1}, {"in place of", 1},
    {"inside", 1}, {"instead of", 1}, {"into", 1}, {"near", 1}, {"of", 1}, {"on", 1},
    {"outside", 1}, {"over", 1}, {"past", 1}, {"since", 1}, {"through", 1},
    {"throughout", 1}, {"to", 1}, {"toward", 1}, {"under", 1}, {"until", 1},
    {"up", 1}, {"upon", 1}, {"without", 1}, {"with", 1}, {"within", 1},
};

static const weighted_word AUXILIARIES[] = {
    {"do", 1}, {"may", 1}, {"might", 1}, {"shall", 1}, {"will", 1}, {"would", 1},
    {"can", 1}, {"could", 1}, {"should", 1}, {"ought to", 1}, {"must", 1},
    {"will have to", 1}, {"shall have to", 1}, {"could have to", 1},
    {"should have to", 1}, {"must have to", 1}, {"need to", 1}, {"try to", 1},
};

static const weighted_word TERMINATORS[] = {
    {".", 50}, {";", 1}, {":", 1}, {"?", 1}, {"!", 1}, {"--", 1},
};

const char *const CN_TPCH_COLORS[CN_TPCH_NCOLORS] = {
    "almond", "antique", "aquamarine", "azure", "beige", "bisque", "black", "blanched",
    "blue", "blush", "brown", "burlywood", "burnished", "chartreuse", "chiffon",
    "chocolate", "coral", "cornflower", "cornsilk", "cream", "cyan", "dark", "deep",
    "dim", "dodger", "drab", "firebrick", "floral", "forest", "frosted", "gainsboro",
    "ghost", "goldenrod", "green", "grey", "honeydew", "hot", "indian", "ivory",
    "khaki", "lace", "lavender", "lawn", "lemon", "light", "lime", "linen", "magenta",
    "maroon", "medium", "metallic", "midnight", "mint", "misty", "moccasin", "navajo",
    "navy", "olive", "orange", "orchid", "pale", "papaya", "peach", "peru", "pink",
    "plum", "powder", "puff", "purple", "red", "rose", "rosy", "royal", "saddle",
    "salmon", "sandy", "seashell", "sienna", "sky", "slate", "smoke", "snow", "spring",
    "steel", "tan", "thistle", "tomato", "turquoise", "violet", "wheat", "white",
    "yellow",
};

const cn_tpch_nation CN_TPCH_NATIONS[25] = {
    {"ALGERIA", 0}, {"ARGENTINA", 1}, {"BRAZIL", 1}, {"CANADA", 1}, {"EGYPT", 4},
    {"ETHIOPIA", 0}, {"FRANCE", 3}, {"GERMANY", 3}, {"INDIA", 2}, {"INDONESIA", 2},
    {"IRAN", 4}, {"IRAQ", 4}, {"JAPAN", 2}, {"JORDAN", 4}, {"KENYA", 0},
    {"MOROCCO", 0}, {"MOZAMBIQUE", 0}, {"PERU", 1}, {"CHINA", 2}, {"ROMANIA", 3},
    {"SAUDI ARABIA", 4}, {"VIETNAM", 2}, {"RUSSIA", 3}, {"UNITED KINGDOM", 3},
    {"UNITED STATES", 1},
};
const char *const CN_TPCH_REGIONS[5] = {"AFRICA", "AMERICA", "ASIA", "EUROPE", "MIDDLE EAST"};
const char *const CN_TPCH_SEGMENTS[5] = {"AUTOMOBILE", "BUILDING", "FURNITURE", "MACHINERY",
                                         "HOUSEHOLD"};
const char *const CN_TPCH_PRIORITIES[5] = {"1-URGENT", "2-HIGH", "3-MEDIUM", "4-NOT SPECIFIED",
                                           "5-LOW"};
const char *const CN_TPCH_SHIPMODES[7] = {"REG AIR", "AIR", "RAIL", "SHIP", "TRUCK", "MAIL", "FOB"};
const char *const CN_TPCH_INSTRUCTS[4] = {"DELIVER IN PERSON", "COLLECT COD", "NONE",
                                          "TAKE BACK RETURN"};
const char *const CN_TPCH_TYPE1[6] = {"STANDARD", "SMALL", "MEDIUM", "LARGE", "ECONOMY", "PROMO"};
const char *const CN_TPCH_TYPE2[5] = {"ANODIZED", "BURNISHED", "PLATED", "POLISHED", "BRUSHED"};
const char *const CN_TPCH_TYPE3[5] = {"TIN", "NICKEL", "BRASS", "STEEL", "COPPER"};
const char *const CN_TPCH_CONT1[5] = {"SM", "LG", "MED", "JUMBO", "WRAP"};
const char *const CN_TPCH_CONT2[8] = {"CASE", "BOX", "BAG", "JAR", "PKG", "PACK", "CAN", "DRUM"};

/* A word list expanded by weight: picking a uniform index picks by weight. */
typedef struct {
    const char **slots;
    int n;
} word_picker;

static void picker_init(word_picker *p, const weighted_word *w, int n)
{
    int total = 0;
    for (int i = 0; i < n; i++) total += w[i].weight;
    p->slots = cn_xmalloc((size_t)total * sizeof(*p->slots));
    p->n = 0;
    for (int i = 0; i < n; i++)
        for (int k = 0; k < w[i].weight; k++) p->slots[p->n++] = w[i].w;
}

static const char *pick(word_picker *p, cn_tpch_rng *r)
{
    return p->slots[cn_tpch_rand(r, 0, p->n - 1)];
}

typedef struct {
    word_picker noun, verb, adj, adv, prep, aux, term;
    cn_tpch_rng rng;
    char *out;
    size_t len, cap;
} text_gen;

static void emit(text_gen *g, const char *s)
{
    size_t n = strlen(s);
    if (g->len + n >= g->cap) return;
    memcpy(g->out + g->len, s, n);
    g->len += n;
}

static void emit_word(text_gen *g, const char *s)
{
    if (g->len > 0) emit(g, " ");
    emit(g, s);
}

static void noun_phrase(text_gen *g)
{
    switch (cn_tpch_rand(&g->rng, 0, 8)) {
    case 0: emit_word(g, pick(&g->noun, &g->rng)); break;
    case 1: case 2:
        emit_word(g, pick(&g->adj, &g->rng));
        emit_word(g, pick(&g->noun, &g->rng));
        break;
    case 3:
        emit_word(g, pick(&g->adj, &g->rng));
        emit(g, ",");
        emit_word(g, pick(&g->adj, &g->rng));
        emit_word(g, pick(&g->noun, &g->rng));
        break;
    default:
        emit_word(g, pick(&g->adv, &g->rng));
        emit_word(g, pick(&g->adj, &g->rng));
        emit_word(g, pick(&g->noun, &g->rng));
        break;
    }
}

static void verb_phrase(text_gen *g)
{
    switch (cn_tpch_rand(&g->rng, 0, 9)) {
    case 0: case 1: case 2: emit_word(g, pick(&g->verb, &g->rng)); break;
    case 3:
        emit_word(g, pick(&g->aux, &g->rng));
        emit_word(g, pick(&g->verb, &g->rng));
        break;
    case 4:
        emit_word(g, pick(&g->aux, &g->rng));
        emit_word(g, pick(&g->verb, &g->rng));
        emit_word(g, pick(&g->adv, &g->rng));
        break;
    default:
        emit_word(g, pick(&g->verb, &g->rng));
        emit_word(g, pick(&g->adv, &g->rng));
        break;
    }
}

static void prep_phrase(text_gen *g)
{
    emit_word(g, pick(&g->prep, &g->rng));
    emit_word(g, "the");
    noun_phrase(g);
}

static void sentence(text_gen *g)
{
    switch (cn_tpch_rand(&g->rng, 0, 10)) {
    case 0: case 1: case 2:
        noun_phrase(g); verb_phrase(g); break;
    case 3: case 4: case 5:
        noun_phrase(g); verb_phrase(g); prep_phrase(g); break;
    case 6: case 7: case 8:
        noun_phrase(g); verb_phrase(g); noun_phrase(g); break;
    case 9:
        noun_phrase(g); prep_phrase(g); verb_phrase(g); noun_phrase(g); break;
    default:
        noun_phrase(g); prep_phrase(g); verb_phrase(g); prep_phrase(g); break;
    }
    emit(g, pick(&g->term, &g->rng));
}

char *cn_tpch_text_pool(size_t size)
{
    text_gen g;
    memset(&g, 0, sizeof(g));
    picker_init(&g.noun, NOUNS, CN_ARRAY_LEN(NOUNS));
    picker_init(&g.verb, VERBS, CN_ARRAY_LEN(VERBS));
    picker_init(&g.adj, ADJECTIVES, CN_ARRAY_LEN(ADJECTIVES));
    picker_init(&g.adv, ADVERBS, CN_ARRAY_LEN(ADVERBS));
    picker_init(&g.prep, PREPOSITIONS, CN_ARRAY_LEN(PREPOSITIONS));
    picker_init(&g.aux, AUXILIARIES, CN_ARRAY_LEN(AUXILIARIES));
    picker_init(&g.term, TERMINATORS, CN_ARRAY_LEN(TERMINATORS));
    cn_tpch_rng_seed(&g.rng, 0x7e47u, 0);
    g.cap = size + 256;
    g.out = cn_xmalloc(g.cap);
    while (g.len < size) sentence(&g);
    g.out[size] = '\0';
    free(g.noun.slots); free(g.verb.slots); free(g.adj.slots); free(g.adv.slots);
    free(g.prep.slots); free(g.aux.slots); free(g.term.slots);
    return g.out;
}
