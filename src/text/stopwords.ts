/**
 * Stop words per language, lowercase. Lists are kept short on purpose: in news, "us", "un",
 * "pm", "new", "former", "first", "last", "world" carry meaning and stay searchable.
 */

/** English: natural's list (BSD/MIT) without its single letters and digits, plus clitics. */
export const ENGLISH_STOP_WORDS: ReadonlySet<string> = new Set([
  ...'about above after again all also am an and another any are as at be because been before being below between both but by came can cannot come could did do does doing during each few for from further get got has had he have her here him himself his how if in into is it its itself like make many me might more most much must my myself never now of on only or other our ours ourselves out over own said same see she should since so some still such take than that the their theirs them themselves then there these they this those through to too under until up very was way we well were what where when which while who whom with would why you your yours yourself'.split(
    ' ',
  ),
  ...'a i s t d ll m re ve'.split(' '),
]);

/**
 * Bulgarian: the `stopword`/stopwords-iso `bg` list (MIT) minus its content words (бивш, нов,
 * година, ден, глас, екип, живот, хиляди, каза "said", …), which are search terms in news.
 */
export const BULGARIAN_STOP_WORDS: ReadonlySet<string> = new Set(
  'а аз ако ала бе без беше би бил била били било бъдат бъде бяха в вас ваш ваша вероятно вече ви вие винаги все всеки всички всичко всяка във въпреки върху г ги го д да дали до докато докога дори досега доста друг друга други е едва един една едно ето за зад заедно заради засега затова защо защото и из или им има имат иска й как каква какво както какъв като кога когато което които кой който колко която къде където към ли м ме между мен ми много мнозина мога могат може моля му н на над най например нас не него нещо нея ни ние никой нито нищо но някои някой няколко няма обаче около освен особено от отново още пак по повече повечето под поне поради после почти пред преди през при пък с са сам само се сега си сме според сред срещу сте съм със също т т.н. тази така такива такъв там твой те тези ти то това тогава този той толкова точно трябва тук тъй тя тях у ч че често чрез ще щом я'.split(
    ' ',
  ),
);

/** Russian: function words only (pronouns, prepositions, conjunctions, particles, question words). */
export const RUSSIAN_STOP_WORDS: ReadonlySet<string> = new Set(
  'а без более бы был была были было быть в вам вас весь во вот все всего всех вы где да для до его ее если есть еще же за здесь и из или им их к как какая какие каким каких какого какой каком какую ко когда кого кем который которая которое которые которых кто ли либо мне может мы на над не него нее нет ни них но ну о об однако он она они оно от очень по под после при про с со так также такой там те тем то того тоже той только том ты у уже чем что чтобы чье чья эта эти это этого этой этот я сколько почему зачем откуда куда каков какова каковы какое каково которого которой котором которую которым которыми кому чему чего ему ей ней нем ним нему ими себя себе собой свой своя свое свои своего своей своих своим этих этим этими этом эту тот та тех том тому теми всем всеми всю вся будет будут будто могут можно нужно надо нельзя сам сама само сами тут ведь даже лишь уж вдруг хоть разве впрочем перед между через чтоб нибудь потом тогда теперь иногда всегда конечно ж пока вне такое такая такие таких таким такого такую сейчас опять наконец ничего потому мой моя мое моё мои меня тебя нас нам нами вами чуть почти совсем никогда какому какими против'.split(
    ' ',
  ),
);

/**
 * Ukrainian: function words only (pronouns, prepositions, conjunctions, particles, question
 * words), as for Russian: content words such as "рік", "новий" stay searchable.
 */
export const UKRAINIAN_STOP_WORDS: ReadonlySet<string> = new Set(
  'а аби або адже але б би був була були було бути в вам вас весь від він вона вони воно все всі всього втім все ж де для до його її з за зі і із й їй їм їх к коли кого котра котре котрі котрий крім куди лише ми мене мені мною на навіть над нам нас наш не неї нею ним них ні ну о об однак оце па по під після при про с саме себе та так також там те тебе теж тим то того тобі тому ту ти у усі хоча хто це цей ці цього цю ця чи що щоб як яка які який яких яко якщо скільки чому навіщо звідки поки зараз знову нічого мій моя моє мої майже зовсім ніколи якому якими такий така таке такі таких проти'.split(
    ' ',
  ),
);
