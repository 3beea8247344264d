/** Name lists for the demo shop; each Chinese entry carries its pinyin for the email address. */

export type PinyinName = readonly [hanzi: string, pinyin: string];

/** The most common surnames, roughly in order of frequency (the generator weights earlier ones). */
export const chineseSurnames: readonly PinyinName[] = [
  ['王', 'wang'], ['李', 'li'], ['张', 'zhang'], ['刘', 'liu'], ['陈', 'chen'],
  ['杨', 'yang'], ['黄', 'huang'], ['赵', 'zhao'], ['吴', 'wu'], ['周', 'zhou'],
  ['徐', 'xu'], ['孙', 'sun'], ['马', 'ma'], ['朱', 'zhu'], ['胡', 'hu'],
  ['郭', 'guo'], ['何', 'he'], ['林', 'lin'], ['高', 'gao'], ['罗', 'luo'],
  ['郑', 'zheng'], ['梁', 'liang'], ['谢', 'xie'], ['宋', 'song'], ['唐', 'tang'],
  ['许', 'xu'], ['韩', 'han'], ['冯', 'feng'], ['邓', 'deng'], ['曹', 'cao'],
];

export const chineseGivenNames: readonly PinyinName[] = [
  ['伟', 'wei'], ['芳', 'fang'], ['娜', 'na'], ['敏', 'min'], ['静', 'jing'],
  ['丽', 'li'], ['强', 'qiang'], ['磊', 'lei'], ['军', 'jun'], ['洋', 'yang'],
  ['勇', 'yong'], ['艳', 'yan'], ['杰', 'jie'], ['娟', 'juan'], ['涛', 'tao'],
  ['明', 'ming'], ['超', 'chao'], ['秀英', 'xiuying'], ['霞', 'xia'], ['平', 'ping'],
  ['刚', 'gang'], ['桂英', 'guiying'], ['欣怡', 'xinyi'], ['子涵', 'zihan'], ['梓萱', 'zixuan'],
  ['浩然', 'haoran'], ['宇轩', 'yuxuan'], ['思远', 'siyuan'], ['雨桐', 'yutong'], ['佳怡', 'jiayi'],
  ['晓燕', 'xiaoyan'], ['建华', 'jianhua'], ['志强', 'zhiqiang'], ['丹', 'dan'], ['婷', 'ting'],
];

export const englishFirstNames: readonly string[] = [
  'Olivia', 'Emma', 'Amelia', 'Sophia', 'Charlotte', 'Isla', 'Ava', 'Mia', 'Grace', 'Chloe',
  'Emily', 'Hannah', 'Lucy', 'Sarah', 'Laura', 'Jessica', 'Ruby', 'Zoe', 'Ella', 'Nora',
  'Liam', 'Noah', 'Oliver', 'James', 'William', 'Jack', 'Henry', 'Lucas', 'Thomas', 'George',
  'Daniel', 'Samuel', 'Ethan', 'Michael', 'David', 'Benjamin', 'Leo', 'Oscar', 'Isaac', 'Ryan',
];

export const englishLastNames: readonly string[] = [
  'Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Miller', 'Davis', 'Wilson', 'Taylor', 'Anderson',
  'Thomas', 'Moore', 'Martin', 'Jackson', 'Thompson', 'White', 'Harris', 'Clark', 'Lewis', 'Walker',
  'Hall', 'Young', 'King', 'Wright', 'Scott', 'Green', 'Baker', 'Adams', 'Nelson', 'Campbell',
  'Evans', 'Roberts', 'Turner', 'Phillips', 'Parker', 'Edwards', 'Collins', 'Stewart', 'Murphy', 'Kelly',
];
