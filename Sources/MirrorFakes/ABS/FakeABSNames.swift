/// Word lists for generated libraries. Some names carry diacritics on purpose.
enum Names {
    static let first = [
        "Brandon", "Ursula", "Terry", "Neil", "Margaret", "Octavia", "Kazuo", "Chimamanda", "Haruki", "Gabriel",
        "Isabel", "Jorge", "Emily", "Charlotte", "Anne", "Fyodor", "Leo", "Virginia", "Toni", "James",
        "Agatha", "Arthur", "Mary", "Jane", "Robin", "Patrick", "Naomi", "Ann", "Becky", "Andrzej",
        "Karel", "Stanisław", "Selma", "Astrid", "Günter", "Søren", "Zoë", "Chloë", "Renée", "José",
        "Ngozi", "Tomás", "Siobhán", "Björn", "Małgorzata", "Ève", "Amélie", "Jürgen", "Håkan", "Nnedi",
        "Ted", "Ken", "Martha", "Lois", "Sarah", "Elena", "Dmitri", "Ada", "Olga", "Yoko",
    ]
    static let last = [
        "Sanderson", "Le Guin", "Pratchett", "Gaiman", "Atwood", "Butler", "Ishiguro", "Adichie", "Murakami",
        "García Márquez", "Allende", "Borges", "Brontë", "Christie", "Doyle", "Shelley", "Austen", "Hobb",
        "Rothfuss", "Novik", "Leckie", "Jemisin", "Chambers", "Sapkowski", "Čapek", "Lem", "Lagerlöf",
        "Lindgren", "Grass", "Kierkegaard", "Müller", "Dostoyevsky", "Tolstoy", "Woolf", "Morrison", "Baldwin",
        "Okorafor", "Chiang", "Wells", "Bujold", "Tolkien", "Herbert", "Asimov", "Clarke", "Heinlein",
        "Bradbury", "Vonnegut", "Orwell", "Huxley", "Zafón", "Lindqvist", "Nesbø", "Larsson", "Ó Faoláin",
        "Dürrenmatt", "Ferrante", "Tokarczuk", "Ogawa", "de la Cruz", "van der Berg",
    ]
    static let initials = ["A", "B", "C", "D", "E", "F", "G", "H", "J", "K", "L", "M", "N", "P", "R", "S", "T", "W"]
    static let narratorFirst = [
        "Michael", "Kate", "Steven", "Scott", "Simon", "Rosamund", "Jim", "Ray", "Julia", "Stephen",
        "Tim", "Jayne", "Kobna", "Adjoa", "Nicola", "Wil", "Ellen", "Frank", "Barbara", "Joe",
    ]
    static let narratorLast = [
        "Kramer", "Reading", "Pacey", "Brick", "Vance", "Pike", "Dale", "Porter", "Whelan", "Fry",
        "Gerard", "Entwistle", "Holdbrook-Smith", "Andoh", "Barber", "Wheaton", "Archer", "Muller", "Rosenblat",
        "Jameson", "Thorne", "Lærke", "Souza", "Brennan",
    ]
    static let adjectives = [
        "Silent", "Broken", "Hidden", "Last", "Crimson", "Iron", "Golden", "Forgotten", "Burning", "Shattered",
        "Hollow", "Winter", "Distant", "Wandering", "Midnight", "Glass", "Paper", "Silver", "Lost", "Quiet",
        "Restless", "Secret", "Seventh", "Wild", "Bitter", "Drowned", "Painted", "Sleeping", "Northern", "Ashen",
    ]
    static let nouns = [
        "Kingdom", "River", "Crown", "Garden", "Sea", "Tower", "City", "Empire", "Night", "Storm",
        "Mountain", "Library", "Orchard", "Harbor", "Forest", "Bridge", "Road", "Star", "Lantern", "Archive",
        "Clockmaker", "Cartographer", "Daughter", "Witness", "Promise", "Song", "Machine", "Shadow", "Gate", "Ember",
        "Lighthouse", "Violin", "Alchemist", "Key", "Compass", "Atlas", "Widow", "Heir", "Map", "Mirror",
    ]
    static let places = ["Avalon", "Kestrel Bay", "Vireo", "Marrow", "the North", "Ashdown", "Lisbon", "Kyoto",
                         "Prague", "the Deep", "Ys", "Córdoba", "Tromsø", "Zürich"]
    static let collections = ["Chronicles", "Saga", "Cycle", "Trilogy", "Sequence", "Quartet", "Series", "Books"]
    static let subtitles = ["A Novel", "A Thriller", "A Memoir", "A Mystery", "Stories", "A Love Story",
                            "An Epic Fantasy", "A Journey"]
    static let publishers = ["Macmillan Audio", "Penguin Random House Audio", "Brilliance Audio", "HarperAudio",
                             "Tantor Audio", "Podium Audio", "Blackstone Audio", "Recorded Books", "Audible Studios",
                             "Hachette Audio", "Simon & Schuster Audio"]
    static let genres = ["Fantasy", "Science Fiction", "Mystery", "Thriller", "Romance", "Historical Fiction",
                         "Biography", "History", "Self-Help", "Horror", "Literary Fiction", "Young Adult",
                         "Non-Fiction", "Classics", "Humor"]
    static let tags = ["owned", "audible", "library", "favorite", "to-review", "librivox", "dnf"]
    static let sentences = [
        "A storm is coming, and nobody in the village believes it.",
        "Two sisters inherit a house that remembers everything.",
        "The war is over; the reckoning is not.",
        "Rules, secrets &amp; a map nobody can read.",
        "She was the best forger in the city, until the city forged her.",
        "An old detective takes one last case.",
        "What do you owe the people who made you?",
        "Funny, sharp &amp; unexpectedly tender.",
        "Winner of the “Best Debut” award.",
        "Told over a single summer, in three voices.",
        "The ship woke up with no crew and one message.",
        "A love letter to libraries, lighthouses and lost causes.",
    ]
}
