/// Random English sentences from a word list chosen to cover every English
/// phoneme (including the rare ones: θ ð ʒ ʃ tʃ dʒ ŋ ɔɪ aʊ).
public enum SentenceGenerator {
    static let subjects = [
        "the teacher", "my brother", "our neighbour", "the young pilot", "a tired doctor", "the children",
        "the old fisherman", "her mother", "the judge", "a quiet student", "the chef", "the engineer",
        "the voyager", "the thoughtful boy", "that woman", "the shepherd", "the journalist", "the jeweller",
        "a gentle giant", "the witness", "the officer", "the usual visitor", "the choir", "the measurement team",
    ]
    static let verbs = [
        "watched", "bought", "measured", "pushed", "thought about", "enjoyed", "carried", "borrowed", "joined",
        "avoided", "painted", "fixed", "washed", "treasured", "changed", "judged", "shared", "moved", "loved",
        "mentioned", "ignored", "visited", "imagined", "pointed at", "brought back", "threw away", "rejoiced over",
    ]
    static let objects = [
        "a beige umbrella", "the yellow boat", "three thick books", "the leather jacket", "a cheap watch",
        "the garage door", "a vision of the future", "the treasure map", "a huge orange", "the broken bottle",
        "the bathing suit", "some fresh bread", "a wooden toy", "the noisy engine", "the loyal dog",
        "a cup of coffee", "the azure ocean", "a pleasure cruise", "the mouth of the river", "the royal palace",
        "a thousand feathers", "the wrong key", "the cloudy sky", "a bunch of cherries", "the village church",
    ]
    static let endings = [
        "yesterday", "this morning", "without a word", "before the storm", "in the garden", "on Thursday",
        "near the window", "at the station", "with great care", "after lunch", "by the shore", "every evening",
        "in the rain", "under the bridge", "during the show", "for the last time", "at midnight", "quite happily",
    ]
    static let questions = [
        "why would anyone do that", "where is the nearest shop", "how much does it cost", "who answered the phone",
        "what time does the train leave", "which way is north", "could you open the window please",
        "is this the right address", "did you hear the news", "would you like some more juice",
    ]
    static let exclamations = [
        "oh boy, that was close", "well, I never", "wow, look at those mountains", "yes, absolutely",
        "no, thank you", "hmm, maybe later", "oh my, what a mess", "good job, everyone",
    ]
    static let numbers = [
        "seven hundred and sixty two", "four thousand", "nineteen eighty four", "twelve point five",
        "thirty three", "a million", "zero nine eight", "sixty six",
    ]

    /// One random sentence.
    public static func sentence(using random: inout SeededRandom) -> String {
        switch random.integer(0...9) {
        case 0: return capitalised(random.pick(questions)) + "?"
        case 1: return capitalised(random.pick(exclamations)) + "!"
        case 2: return "\(capitalised(random.pick(subjects))) counted \(random.pick(numbers)) \(random.pick(["coins", "stars", "sheep", "votes"]))."
        default:
            var text = "\(random.pick(subjects)) \(random.pick(verbs)) \(random.pick(objects))"
            if random.chance(0.7) { text += " \(random.pick(endings))" }
            return capitalised(text) + "."
        }
    }

    /// Sentences joined until about `words` words.
    public static func passage(words: Int, using random: inout SeededRandom) -> String {
        var text = ""
        while text.split(separator: " ").count < words {
            text += (text.isEmpty ? "" : " ") + sentence(using: &random)
        }
        return text
    }

    private static func capitalised(_ text: String) -> String {
        text.prefix(1).uppercased() + text.dropFirst()
    }
}
